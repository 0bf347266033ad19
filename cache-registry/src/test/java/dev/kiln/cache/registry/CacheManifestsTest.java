package dev.kiln.cache.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.remote.BlobFetcher;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.cache.remote.SharedVectors;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cache manifest writer and reader against BuildKit v0.11's own bytes: the index / manifest
 * list each case pushed is reproduced byte for byte from its layers and config, and every case
 * (registry and inline) reads back into a cache whose results all resolve.
 */
class CacheManifestsTest {

  static Stream<String> registryCases() {
    return SharedVectors.registryCases().stream().map(p -> p.getFileName().toString());
  }

  static Stream<String> inlineCases() {
    return SharedVectors.inlineCases().stream().map(p -> p.getFileName().toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registryCases")
  void encode_reproducesBuildKitsIndexBytes(String name) throws Exception {
    Path dir = SharedVectors.root().resolve(name);
    byte[] bytes = Files.readAllBytes(dir.resolve("cache-manifest.json"));
    ImageIndex index = (ImageIndex) Manifests.parse(bytes, null);
    List<Descriptor> entries = index.manifests();
    Descriptor config = entries.get(entries.size() - 1);
    boolean oci = MediaTypes.OCI_INDEX.equals(index.mediaType());
    OciJson.Encoded ours =
        CacheManifests.encode(entries.subList(0, entries.size() - 1), config, oci, false);
    assertThat(new String(ours.bytes(), StandardCharsets.UTF_8))
        .isEqualTo(new String(bytes, StandardCharsets.UTF_8));

    if (oci) {
      // the image-manifest form of the same cache: config in config, the same layers
      ImageManifest m =
          (ImageManifest)
              Manifests.parse(
                  CacheManifests.encode(entries.subList(0, entries.size() - 1), config, true, true)
                      .bytes(),
                  null);
      assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(m.config()).isEqualTo(config);
      assertThat(m.layers()).isEqualTo(entries.subList(0, entries.size() - 1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registryCases")
  void read_registryCase_resolvesEveryResultWithItsOrigin(String name) throws Exception {
    Path dir = SharedVectors.root().resolve(name);
    byte[] configBytes = Files.readAllBytes(dir.resolve("cache-config.json"));
    ImportedCache cache =
        CacheReader.read(
            name,
            Files.readAllBytes(dir.resolve("cache-manifest.json")),
            null,
            new FileSource(Map.of(Digests.sha256(configBytes).toString(), configBytes)));
    assertThat(cache.nodes()).hasSize(18);
    for (ImportedCache.Node n : cache.nodes()) {
      assertThat(n.results()).hasSize(n.record().results().size());
      for (ImportedCache.Result r : n.results()) {
        for (Descriptor d : r.chain()) {
          assertThat(CacheAnnotations.origin(d)).isEqualTo("127.0.0.1:5050/app");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inlineCases")
  void read_inlineImage_resolvesResultsToImageLayers(String name) throws Exception {
    Path dir = SharedVectors.root().resolve(name);
    byte[] config = Files.readAllBytes(dir.resolve("image-config.json"));
    byte[] manifest = Files.readAllBytes(dir.resolve("image-manifest.json"));
    ImageManifest image = (ImageManifest) Manifests.parse(manifest, null);
    ImportedCache cache =
        CacheReader.read(
            name,
            manifest,
            null,
            new FileSource(Map.of(image.config().digest().toString(), config)));
    assertThat(cache.nodes()).hasSize(18);
    long withResults = cache.nodes().stream().filter(n -> !n.results().isEmpty()).count();
    assertThat(withResults).isEqualTo(5);
    for (ImportedCache.Node n : cache.nodes()) {
      for (ImportedCache.Result r : n.results()) {
        List<Descriptor> chain = r.chain();
        for (int i = 0; i < chain.size(); i++) {
          assertThat(chain.get(i).digest()).isEqualTo(image.layers().get(i).digest());
          assertThat(chain.get(i).annotation(CacheAnnotations.UNCOMPRESSED)).isNotNull();
          assertThat(chain.get(i).annotation(CacheAnnotations.CREATED_AT)).isNotNull();
        }
      }
    }
  }

  @Test
  void read_plainImageOrBadDocuments() throws Exception {
    Path dir = SharedVectors.root().resolve("base-image");
    byte[] manifest = Files.readAllBytes(dir.resolve("image-manifest.json"));
    ImageManifest image = (ImageManifest) Manifests.parse(manifest, null);
    ImportedCache empty =
        CacheReader.read(
            "base",
            manifest,
            null,
            new FileSource(
                Map.of(
                    image.config().digest().toString(),
                    Files.readAllBytes(dir.resolve("image-config.json")))));
    assertThat(empty.isEmpty()).isTrue();

    assertThatThrownBy(
            () ->
                CacheReader.read(
                    "x", "{\"schemaVersion\":2".getBytes(), null, new FileSource(Map.of())))
        .hasMessageContaining("cache manifest is malformed");
    byte[] huge = new byte[(1 << 20) + 1];
    assertThatThrownBy(() -> CacheReader.read("x", huge, null, new FileSource(Map.of())))
        .hasMessageContaining("too large (1048577 > 1048576 bytes)");
    Descriptor bigConfig =
        Descriptor.of(MediaTypes.BUILDKIT_CACHE_CONFIG, Digests.sha256("c"), 2 << 20);
    byte[] index = OciJson.toBytes(ImageIndex.oci(List.of(bigConfig)));
    assertThatThrownBy(() -> CacheReader.read("x", index, null, new FileSource(Map.of())))
        .hasMessageContaining("cache config is too large");
  }

  @Test
  void layerMediaType_convertsFamilies() {
    assertThat(CacheManifests.layerMediaType(MediaTypes.DOCKER_LAYER_GZIP, true))
        .isEqualTo(MediaTypes.OCI_LAYER_GZIP);
    assertThat(CacheManifests.layerMediaType(MediaTypes.OCI_LAYER_ZSTD, false))
        .isEqualTo(MediaTypes.DOCKER_LAYER_ZSTD);
    assertThat(CacheManifests.layerMediaType(MediaTypes.OCI_LAYER_TAR, false))
        .isEqualTo(MediaTypes.DOCKER_LAYER_TAR);
    assertThat(CacheManifests.layerMediaType(MediaTypes.OCI_LAYER_NONDIST_ZSTD, false))
        .isEqualTo(MediaTypes.OCI_LAYER_NONDIST_ZSTD);
  }

  /** Serves configs from a map; child manifests are not needed by these cases. */
  record FileSource(Map<String, byte[]> blobs) implements CacheReader.Source {
    @Override
    public byte[] manifest(Descriptor d) throws IOException {
      return blob(d);
    }

    @Override
    public byte[] blob(Descriptor d) throws IOException {
      byte[] b = blobs.get(d.digest().toString());
      if (b == null) {
        throw new IOException("no blob " + d.digest());
      }
      return b;
    }

    @Override
    public BlobFetcher fetcher() {
      return d -> {
        throw new IOException("layers are not read");
      };
    }

    @Override
    public Map<String, String> layerAnnotations() {
      return new HashMap<>(
          Map.of(CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX + "127.0.0.1:5050", "app"));
    }
  }
}
