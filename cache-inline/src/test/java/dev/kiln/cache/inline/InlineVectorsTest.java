package dev.kiln.cache.inline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.cache.remote.InlineCacheCodec;
import dev.kiln.core.cache.remote.SharedVectors;
import dev.kiln.core.port.CacheEmbedder;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifests;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inline caches BuildKit v0.11.6 wrote ({@code ../shared/vectors/buildkit-v0.11/inline-*}):
 * their value parses, validates and resolves every result to a prefix of the image's layers; and
 * the same key graph with the same results, embedded by kiln for the same image, gives BuildKit's
 * value byte for byte.
 */
class InlineVectorsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One vector case: the image's layers (with diffIDs) and the value of its config field. */
  record Case(List<ExportLayer> layers, String value) {

    static Case read(String name) throws IOException {
      Path dir = SharedVectors.root().resolve(name);
      JsonNode config = JSON.readTree(SharedVectors.read(dir.resolve("image-config.json")));
      ImageManifest manifest =
          (ImageManifest)
              Manifests.parse(SharedVectors.read(dir.resolve("image-manifest.json")), null);
      JsonNode diffIds = config.path("rootfs").path("diff_ids");
      assertThat(diffIds.size()).isEqualTo(manifest.layers().size());
      List<ExportLayer> layers = new ArrayList<>();
      for (int i = 0; i < manifest.layers().size(); i++) {
        layers.add(ExportLayer.of(manifest.layers().get(i), Digest.parse(diffIds.get(i).asText())));
      }
      return new Case(layers, config.path(InlineCacheCodec.CONFIG_KEY).asText());
    }

    List<Descriptor> annotatedLayers() {
      return layers.stream()
          .map(l -> l.blob().withAnnotation(CacheAnnotations.UNCOMPRESSED, l.diffId().toString()))
          .toList();
    }
  }

  static Stream<String> cases() {
    List<String> names =
        SharedVectors.inlineCases().stream().map(p -> p.getFileName().toString()).toList();
    assertThat(names)
        .containsExactly("inline-docker", "inline-mode-max", "inline-oci", "inline-zstd-oci");
    return names.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void buildkitValue_parsesValidatesAndResolvesAgainstTheImageLayers(String name) throws Exception {
    Case c = Case.read(name);
    List<CacheConfig.Record> records = InlineCacheCodec.decode(c.value());
    ImportedCache cache =
        ImportedCache.ofInline(
            name,
            records,
            c.annotatedLayers(),
            d -> {
              throw new IOException("not fetched");
            });

    int withResults = 0;
    for (ImportedCache.Node n : cache.nodes()) {
      assertThat(n.results()).hasSize(n.record().results().size() + n.record().chains().size());
      for (ImportedCache.Result r : n.results()) {
        assertThat(r.chain()).isEqualTo(c.annotatedLayers().subList(0, r.chain().size()));
      }
      withResults += n.results().isEmpty() ? 0 : 1;
    }
    assertThat(cache.nodes()).hasSize(18);
    assertThat(withResults).isEqualTo(5);
    // the final image's own result is one of them: all six layers
    assertThat(cache.nodes())
        .anySatisfy(n -> assertThat(n.results()).anyMatch(r -> r.chain().size() == 6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sameGraph_embeddedByKiln_givesBuildkitsValueByteForByte(String name) throws Exception {
    Case c = Case.read(name);
    List<CacheConfig.Record> records = InlineCacheCodec.decode(c.value());
    CacheChains chains = chainsOf(records, c.layers());
    CacheEmbedder embedder = new InlineCacheEmbedderFactory().create(Map.of());

    Map<String, String> fields = embedder.embed(chains, c.layers(), null, ProgressListener.NONE);

    assertThat(fields).containsOnlyKeys(InlineCacheCodec.CONFIG_KEY);
    assertThat(fields.get(InlineCacheCodec.CONFIG_KEY)).isEqualTo(c.value());
  }

  /**
   * The graph a solve would hand the embedder for these records: every record with its links, each
   * result as the chain of image layers it names.
   */
  static CacheChains chainsOf(List<CacheConfig.Record> records, List<ExportLayer> layers) {
    CacheChains chains = new CacheChains();
    List<CacheChains.Item> items = new ArrayList<>();
    for (CacheConfig.Record r : records) {
      items.add(chains.add(r.digest(), r.inputs().size()));
    }
    for (int i = 0; i < records.size(); i++) {
      CacheConfig.Record r = records.get(i);
      for (int in = 0; in < r.inputs().size(); in++) {
        for (CacheConfig.Input link : r.inputs().get(in)) {
          items.get(i).linkFrom(items.get(link.link()), in, link.selector());
        }
      }
      for (CacheConfig.Result res : r.results()) {
        items.get(i).addResult(layers.subList(0, res.layer() + 1), res.createdAt().toInstant());
      }
    }
    return chains;
  }
}
