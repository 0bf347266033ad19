package dev.kiln.core.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.Manifests;
import dev.kiln.oci.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cache BuildKit v0.11.6 wrote in {@code ../shared/vectors/buildkit-v0.11} parses, validates,
 * resolves every result chain to descriptors of its manifest, and encodes back to the same bytes;
 * re-normalising the graph through {@link CacheChains} reproduces BuildKit's config and the
 * manifest's layer descriptors.
 */
class BuildKitVectorsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BlobFetcher NO_FETCH =
      d -> {
        throw new IOException("vectors are not fetched");
      };

  static Stream<String> registryCases() {
    return SharedVectors.registryCases().stream().map(p -> p.getFileName().toString());
  }

  static Stream<String> inlineCases() {
    return SharedVectors.inlineCases().stream().map(p -> p.getFileName().toString());
  }

  static Stream<String> layoutCaches() {
    return SharedVectors.layoutCaches().stream().map(p -> p.getFileName().toString());
  }

  @Test
  void vectors_coverEveryCase() {
    assertThat(registryCases()).hasSize(17);
    assertThat(inlineCases()).hasSize(4);
    assertThat(layoutCaches()).containsExactly("w1-cache", "w2-cache");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registryCases")
  void registryCache_parsesValidatesResolvesAndRoundTrips(String name) throws Exception {
    Path dir = SharedVectors.root().resolve(name);
    byte[] configBytes = SharedVectors.read(dir.resolve("cache-config.json"));
    byte[] manifestBytes = SharedVectors.read(dir.resolve("cache-manifest.json"));
    checkCache(name, configBytes, manifestBytes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layoutCaches")
  void layoutCache_parsesValidatesResolvesAndRoundTrips(String name) throws Exception {
    Path layout = SharedVectors.root().resolve("interop").resolve(name);
    JsonNode index = JSON.readTree(SharedVectors.read(layout.resolve("index.json")));
    Digest top = Digest.parse(index.path("manifests").path(0).path("digest").asText());
    byte[] manifestBytes = SharedVectors.read(blob(layout, top));
    Manifest m = Manifests.parse(manifestBytes, null);
    Descriptor config = cacheConfigDescriptor(m);
    checkCache(name, SharedVectors.read(blob(layout, config.digest())), manifestBytes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inlineCases")
  void inlineCache_parsesValidatesResolvesAndRoundTrips(String name) throws Exception {
    Path dir = SharedVectors.root().resolve(name);
    byte[] decoded = SharedVectors.read(dir.resolve("inline-cache-decoded.json"));
    List<CacheConfig.Record> records = CacheConfigCodec.decodeRecords(decoded);
    assertThat(CacheConfigCodec.encodeRecords(records)).isEqualTo(decoded);

    JsonNode imageConfig = JSON.readTree(SharedVectors.read(dir.resolve("image-config.json")));
    byte[] inline = Base64.getDecoder().decode(imageConfig.path("moby.buildkit.cache.v0").asText());
    assertThat(inline).isEqualTo(decoded);

    ImageManifest image =
        (ImageManifest)
            Manifests.parse(SharedVectors.read(dir.resolve("image-manifest.json")), null);
    JsonNode diffIds = imageConfig.path("rootfs").path("diff_ids");
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      layers.add(
          image
              .layers()
              .get(i)
              .withAnnotation(CacheAnnotations.UNCOMPRESSED, diffIds.get(i).asText()));
    }
    ImportedCache cache = ImportedCache.ofInline(name, records, layers, NO_FETCH);
    int withResults = 0;
    for (ImportedCache.Node n : cache.nodes()) {
      assertThat(n.results()).hasSize(n.record().results().size() + n.record().chains().size());
      for (ImportedCache.Result r : n.results()) {
        // an inline result is a prefix of the image's layers
        assertThat(r.chain()).isEqualTo(layers.subList(0, r.chain().size()));
      }
      withResults += n.results().isEmpty() ? 0 : 1;
    }
    assertThat(cache.nodes()).hasSize(18);
    assertThat(withResults).isEqualTo(5);
  }

  private static void checkCache(String name, byte[] configBytes, byte[] manifestBytes)
      throws Exception {
    CacheConfig config = CacheConfigCodec.decode(configBytes).validate();
    assertThat(new String(CacheConfigCodec.encode(config), StandardCharsets.UTF_8))
        .isEqualTo(new String(configBytes, StandardCharsets.UTF_8));

    Manifest m = Manifests.parse(manifestBytes, null);
    Descriptor configDesc = cacheConfigDescriptor(m);
    assertThat(configDesc.digest()).isEqualTo(Digests.sha256(configBytes));
    assertThat(configDesc.size()).isEqualTo(configBytes.length);
    List<Descriptor> layers = layerDescriptors(m);
    assertThat(layers)
        .extracting(Descriptor::digest)
        .containsExactlyElementsOf(config.layers().stream().map(CacheConfig.Layer::blob).toList());
    for (Descriptor d : layers) {
      assertThat(d.annotation(CacheAnnotations.UNCOMPRESSED)).as(d.digest().toString()).isNotNull();
    }

    ImportedCache cache = ImportedCache.of(name, config, layers, NO_FETCH);
    for (ImportedCache.Node n : cache.nodes()) {
      assertThat(n.results()).as(n.toString()).hasSize(n.record().results().size());
    }

    // Re-normalised by CacheChains, the graph gives BuildKit's config and descriptors again.
    // BuildKit breaks ties between equal blobs under different parents by its internal walk
    // order; where a blob occurs twice only the meaning is compared, elsewhere the bytes.
    MarshalledCache again = rebuild(cache).marshal();
    long distinct = config.layers().stream().map(CacheConfig.Layer::blob).distinct().count();
    if (distinct == config.layers().size()) {
      assertThat(new String(CacheConfigCodec.encode(again.config()), StandardCharsets.UTF_8))
          .isEqualTo(new String(configBytes, StandardCharsets.UTF_8));
      assertThat(withoutAddedCreatedAt(again.layers(), layers)).isEqualTo(layers);
    } else {
      assertThat(meaning(again.config())).isEqualTo(meaning(config));
      assertThat(again.distinctLayers()).hasSize((int) distinct);
    }
  }

  /** Records as (digest, chains as blob lists, links as selector→digest), in record order. */
  static List<String> meaning(CacheConfig c) {
    List<String> out = new ArrayList<>();
    for (CacheConfig.Record r : c.records()) {
      StringBuilder sb = new StringBuilder(r.digest().toString());
      for (CacheConfig.Result res : r.results()) {
        sb.append(" result[");
        for (int i = res.layer(); i >= 0; i = c.layers().get(i).parent()) {
          sb.append(c.layers().get(i).blob().hex(), 0, 8).append('<');
        }
        sb.append("]@").append(res.createdAt());
      }
      for (List<CacheConfig.Input> group : r.inputs()) {
        sb.append(" in{");
        group.stream()
            .map(in -> in.selector() + ">" + c.records().get(in.link()).digest())
            .sorted()
            .forEach(x -> sb.append(x).append(','));
        sb.append('}');
      }
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * kiln always writes {@code buildkit/createdat}; BuildKit omits it for snapshots without a
   * creation time. Drops it from ours where the vector has none, to compare the rest.
   */
  private static List<Descriptor> withoutAddedCreatedAt(
      List<Descriptor> ours, List<Descriptor> theirs) {
    List<Descriptor> out = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      Descriptor d = ours.get(i);
      if (theirs.get(i).annotation(CacheAnnotations.CREATED_AT) == null) {
        Map<String, String> a = new java.util.TreeMap<>(d.annotations());
        a.remove(CacheAnnotations.CREATED_AT);
        d = d.withAnnotations(a);
      }
      out.add(d);
    }
    return out;
  }

  /** Feeds an imported graph into a new CacheChains, as an exporter re-exporting it would. */
  static CacheChains rebuild(ImportedCache cache) {
    CacheChains chains = new CacheChains();
    Map<ImportedCache.Node, CacheChains.Item> items = new IdentityHashMap<>();
    for (ImportedCache.Node n : cache.nodes()) {
      items.put(n, chains.add(n.digest(), n.inputs().size()));
    }
    for (ImportedCache.Node n : cache.nodes()) {
      CacheChains.Item item = items.get(n);
      for (int i = 0; i < n.inputs().size(); i++) {
        for (ImportedCache.Link l : n.inputs().get(i)) {
          item.linkFrom(items.get(l.from()), i, l.selector());
        }
      }
      for (ImportedCache.Result r : n.results()) {
        item.addResult(
            r.chain().stream()
                .map(
                    d ->
                        ExportLayer.of(
                            d, Digest.parse(d.annotation(CacheAnnotations.UNCOMPRESSED))))
                .toList(),
            r.createdAt());
      }
    }
    return chains;
  }

  static Descriptor cacheConfigDescriptor(Manifest m) {
    if (m instanceof ImageManifest im) {
      assertThat(im.config().mediaType()).isEqualTo(MediaTypes.BUILDKIT_CACHE_CONFIG);
      return im.config();
    }
    List<Descriptor> entries = ((ImageIndex) m).manifests();
    Descriptor last = entries.get(entries.size() - 1);
    assertThat(last.mediaType()).isEqualTo(MediaTypes.BUILDKIT_CACHE_CONFIG);
    return last;
  }

  static List<Descriptor> layerDescriptors(Manifest m) {
    if (m instanceof ImageManifest im) {
      return im.layers();
    }
    List<Descriptor> entries = ((ImageIndex) m).manifests();
    return entries.subList(0, entries.size() - 1);
  }

  private static Path blob(Path layout, Digest d) {
    return layout.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }
}
