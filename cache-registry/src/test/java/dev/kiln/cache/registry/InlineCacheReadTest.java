package dev.kiln.cache.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.cache.remote.BlobFetcher;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheFormatException;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.cache.remote.SharedVectors;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading an image's inline cache (cache-format.md §4.3, §7.1) from BuildKit's v0.11 vectors: an
 * image manifest, the same image inside a multi-platform index (this machine's platform picked), an
 * image without inline cache, and corrupt values.
 */
class InlineCacheReadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DOCKER = SharedVectors.root().resolve("inline-docker");
  private static final Path OCI = SharedVectors.root().resolve("inline-oci");

  /** Documents by digest; layers are never read here. */
  private static final class Docs implements CacheReader.Source {
    final Map<Digest, byte[]> docs = new HashMap<>();
    int reads;

    Digest put(byte[] bytes) {
      Digest d = Digests.sha256(bytes);
      docs.put(d, bytes);
      return d;
    }

    @Override
    public byte[] manifest(Descriptor d) throws IOException {
      return blob(d);
    }

    @Override
    public byte[] blob(Descriptor d) throws IOException {
      reads++;
      byte[] b = docs.get(d.digest());
      if (b == null) {
        throw new IOException("no " + d.digest());
      }
      return b;
    }

    @Override
    public BlobFetcher fetcher() {
      return d -> {
        throw new IOException("layers are not read by the import");
      };
    }

    @Override
    public Map<String, String> layerAnnotations() {
      return Map.of(CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX + "localhost:5000", "app");
    }
  }

  private static byte[] read(Path dir, String file) {
    return SharedVectors.read(dir.resolve(file));
  }

  private static ImportedCache readImage(Docs docs, Path dir) throws Exception {
    docs.put(read(dir, "image-config.json"));
    byte[] manifest = read(dir, "image-manifest.json");
    return CacheReader.read("cache", manifest, null, docs);
  }

  @Test
  void dockerImage_inlineRecordsOverItsLayers_annotatedForLazyFetchAndMount() throws Exception {
    Docs docs = new Docs();
    ImportedCache cache = readImage(docs, DOCKER);

    assertThat(cache.nodes()).hasSize(18);
    assertThat(cache.nodes().stream().filter(n -> !n.results().isEmpty())).hasSize(5);
    ImageManifest image =
        (ImageManifest) Manifests.parse(read(DOCKER, "image-manifest.json"), null);
    assertThat(cache.blobs())
        .extracting(Descriptor::digest)
        .containsExactlyElementsOf(image.layers().stream().map(Descriptor::digest).toList());
    Descriptor top = cache.blob(image.layers().get(5).digest());
    assertThat(top.annotation(CacheAnnotations.UNCOMPRESSED))
        .isEqualTo("sha256:a4c547f28abb5a7c87d73a491552f6ff2db09c904dccfe328b6977faea31a773");
    assertThat(top.annotation(CacheAnnotations.CREATED_AT))
        .isEqualTo("2026-11-28T15:26:58.311968971Z");
    assertThat(top.annotation(CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX + "localhost:5000"))
        .isEqualTo("app");
    assertThat(docs.reads).isEqualTo(1); // only the config
  }

  @Test
  void multiPlatformIndex_readsOnlyThisMachinesImage() throws Exception {
    Docs docs = new Docs();
    docs.put(read(DOCKER, "image-config.json"));
    docs.put(read(OCI, "image-config.json"));
    byte[] native_ = read(OCI, "image-manifest.json");
    byte[] other = read(DOCKER, "image-manifest.json");
    Platform here = Platform.current();
    Platform elsewhere =
        Platform.of("linux", here.architecture().equals("arm64") ? "amd64" : "arm64");
    ImageIndex index =
        ImageIndex.oci(
            List.of(
                Descriptor.of(MediaTypes.DOCKER_MANIFEST, docs.put(other), other.length)
                    .withPlatform(elsewhere),
                Descriptor.of(MediaTypes.OCI_MANIFEST, docs.put(native_), native_.length)
                    .withPlatform(here)));

    ImportedCache cache = CacheReader.read("cache", OciJson.toBytes(index), null, docs);

    ImageManifest nativeImage = (ImageManifest) Manifests.parse(native_, null);
    assertThat(cache.nodes()).hasSize(18);
    assertThat(cache.blobs())
        .extracting(Descriptor::digest)
        .containsExactlyElementsOf(nativeImage.layers().stream().map(Descriptor::digest).toList());
  }

  @Test
  void imageWithoutInlineCache_isAnEmptyCache() throws Exception {
    Docs docs = new Docs();
    ObjectNode config = (ObjectNode) JSON.readTree(read(DOCKER, "image-config.json"));
    config.remove("moby.buildkit.cache.v0");

    ImportedCache cache = withConfig(docs, config);

    assertThat(cache.isEmpty()).isTrue();
  }

  @Test
  void truncatedInlineValue_isAFormatErrorNamingTheConfigAndTheProblem() throws Exception {
    Docs docs = new Docs();
    ObjectNode config = (ObjectNode) JSON.readTree(read(DOCKER, "image-config.json"));
    String value = config.path("moby.buildkit.cache.v0").asText();
    config.put("moby.buildkit.cache.v0", value.substring(0, value.length() / 2 + 1));

    assertThatThrownBy(() -> withConfig(docs, config))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageStartingWith("image config sha256:")
        .hasMessageContaining("moby.buildkit.cache.v0 is not base64")
        .hasMessageContaining("truncated");
  }

  @Test
  void inlineValueThatIsNotRecords_isAFormatError() throws Exception {
    Docs docs = new Docs();
    ObjectNode config = (ObjectNode) JSON.readTree(read(DOCKER, "image-config.json"));
    config.put(
        "moby.buildkit.cache.v0",
        java.util.Base64.getEncoder()
            .encodeToString("[{\"digest\":42}]".getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> withConfig(docs, config))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("not a JSON array of cache records");
  }

  @Test
  void diffIdCountMismatch_isSkippedAsBuildKitDoes() throws Exception {
    Docs docs = new Docs();
    ObjectNode config = (ObjectNode) JSON.readTree(read(DOCKER, "image-config.json"));
    ((com.fasterxml.jackson.databind.node.ArrayNode) config.path("rootfs").path("diff_ids"))
        .remove(0);

    assertThat(withConfig(docs, config).isEmpty()).isTrue();
  }

  /** The vector's image with {@code config} as its config. */
  private static ImportedCache withConfig(Docs docs, ObjectNode config) throws Exception {
    byte[] bytes = JSON.writeValueAsBytes(config);
    ImageManifest image =
        (ImageManifest) Manifests.parse(read(DOCKER, "image-manifest.json"), null);
    ImageManifest changed =
        ImageManifest.docker(
            Descriptor.of(MediaTypes.DOCKER_CONFIG, docs.put(bytes), bytes.length), image.layers());
    return CacheReader.read("cache", OciJson.toBytes(changed), null, docs);
  }
}
