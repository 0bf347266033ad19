package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests over files written by BuildKit v0.11.6 (copied from the shared vectors into
 * src/test/resources/vectors).
 */
class BuildKitVectorsTest {

  static byte[] vector(String path) throws IOException {
    try (InputStream in = BuildKitVectorsTest.class.getResourceAsStream("/vectors/" + path)) {
      assertThat(in).as("test resource /vectors/" + path).isNotNull();
      return in.readAllBytes();
    }
  }

  /** Removes explicit JSON nulls, which the model reads as "absent" (Go's OnBuild:null). */
  static JsonNode withoutNulls(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = ((ObjectNode) node).deepCopy();
      Iterator<Map.Entry<String, JsonNode>> it = copy.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNull()) {
          it.remove();
        } else {
          e.setValue(withoutNulls(e.getValue()));
        }
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode arr = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> arr.add(withoutNulls(n)));
      return arr;
    }
    return node;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "base-image/image-config.json",
        "inline-oci/image-config.json",
        "inline-docker/image-config.json",
        "max-gzip-oci/image-config.json",
        "max-gzip-docker/image-config.json"
      })
  void imageConfig_roundTrip_preservesTreeAndUnknownKeys(String path) throws Exception {
    byte[] raw = vector(path);
    ImageConfig config = OciJson.parse(raw, ImageConfig.class);

    byte[] again = OciJson.toBytes(config);

    assertThat(OciJson.parseTree(again)).isEqualTo(withoutNulls(OciJson.parseTree(raw)));
    assertThat(OciJson.toBytes(OciJson.parse(again, ImageConfig.class))).isEqualTo(again);
  }

  @Test
  void inlineConfig_buildkitKeys_survive() throws Exception {
    byte[] raw = vector("inline-oci/image-config.json");
    ImageConfig config = OciJson.parse(raw, ImageConfig.class);

    assertThat(config.extra())
        .containsOnlyKeys("moby.buildkit.buildinfo.v1", "moby.buildkit.cache.v0");
    String cache =
        new String(
            Base64.getDecoder().decode(config.extra("moby.buildkit.cache.v0").asText()),
            StandardCharsets.UTF_8);
    assertThat(cache).startsWith("[{\"layers\":[{\"layer\":");
    JsonNode reparsed = OciJson.parseTree(OciJson.toBytes(config));
    assertThat(reparsed.get("moby.buildkit.cache.v0"))
        .isEqualTo(OciJson.parseTree(raw).get("moby.buildkit.cache.v0"));
    assertThat(reparsed.get("moby.buildkit.buildinfo.v1").asText()).startsWith("eyJmcm9udGVuZCI6");
  }

  @Test
  void inlineConfig_fields_parsed() throws Exception {
    ImageConfig config = OciJson.parse(vector("inline-oci/image-config.json"), ImageConfig.class);

    assertThat(config.platform()).isEqualTo(Platform.of("linux", "amd64"));
    assertThat(config.created()).isEqualTo("2026-11-28T15:26:59.985504966Z");
    assertThat(config.containerConfig().env())
        .containsExactly("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    assertThat(config.containerConfig().cmd()).containsExactly("sh");
    assertThat(config.containerConfig().entrypoint()).isNull();
    assertThat(config.containerConfig().argsEscaped()).isTrue();
    assertThat(config.containerConfig().onBuild()).isEmpty();
    assertThat(config.diffIds()).hasSize(6);
    assertThat(config.diffIds().get(0).toString())
        .isEqualTo("sha256:1a3e17ed2d09af5008f69dc82c60b48db8c1f0733304b68b3afe642fa6d6fa92");
    assertThat(config.history()).hasSize(8);
    assertThat(config.history().stream().filter(h -> !h.emptyLayer())).hasSize(6);
    ImageConfig.History last = config.history().get(7);
    assertThat(last.createdBy()).isEqualTo("CMD [\"sh\"]");
    assertThat(last.comment()).isEqualTo("buildkit.dockerfile.v0");
    assertThat(last.emptyLayer()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "base-image/image-manifest.json",
        "inline-oci/image-manifest.json",
        "inline-docker/image-manifest.json",
        "max-gzip-oci/image-manifest.json",
        "max-gzip-oci/cache-manifest.json",
        "max-gzip-docker/cache-manifest.json"
      })
  void manifest_roundTrip_sameTree(String path) throws Exception {
    byte[] raw = vector(path);
    Manifest m = Manifests.parse(raw, null);

    assertThat(OciJson.parseTree(OciJson.toBytes(m))).isEqualTo(OciJson.parseTree(raw));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"max-gzip-oci/cache-manifest.json", "max-gzip-docker/cache-manifest.json"})
  void cacheManifest_reserialised_isByteIdenticalToBuildKit(String path) throws Exception {
    byte[] raw = vector(path);

    assertThat(new String(OciJson.toBytes(Manifests.parse(raw, null)), StandardCharsets.UTF_8))
        .isEqualTo(new String(raw, StandardCharsets.UTF_8));
  }

  @Test
  void cacheManifest_ociIndex_fields() throws Exception {
    Manifest m = Manifests.parse(vector("max-gzip-oci/cache-manifest.json"), MediaTypes.OCI_INDEX);

    assertThat(m).isInstanceOf(ImageIndex.class);
    ImageIndex index = (ImageIndex) m;
    assertThat(index.manifests()).hasSize(13);
    Descriptor last = index.manifests().get(12);
    assertThat(last.mediaType()).isEqualTo(MediaTypes.BUILDKIT_CACHE_CONFIG);
    assertThat(last.size()).isEqualTo(3988);
    assertThat(last.annotations()).isEmpty();
    Descriptor layer = index.manifests().get(0);
    assertThat(MediaTypes.layerCompression(layer.mediaType()))
        .isEqualTo(MediaTypes.Compression.GZIP);
    assertThat(layer.annotation("containerd.io/uncompressed")).startsWith("sha256:");
    assertThat(layer.platform()).isNull();
  }

  @Test
  void cacheManifest_dockerList_isDockerIndex() throws Exception {
    Manifest m = Manifests.parse(vector("max-gzip-docker/cache-manifest.json"), null);

    assertThat(m).isInstanceOf(ImageIndex.class);
    assertThat(m.isDocker()).isTrue();
    assertThat(((ImageIndex) m).manifests()).hasSize(13);
  }

  @Test
  void baseImageManifest_dockerSchema2_fields() throws Exception {
    byte[] raw = vector("base-image/image-manifest.json");
    ImageManifest m = (ImageManifest) Manifests.parse(raw, MediaTypes.DOCKER_MANIFEST);

    assertThat(m.isDocker()).isTrue();
    assertThat(m.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
    assertThat(m.config().size()).isEqualTo(458);
    assertThat(m.config().digest())
        .isEqualTo(Digests.sha256(vector("base-image/image-config.json")));
    assertThat(m.layers()).singleElement().extracting(Descriptor::size).isEqualTo(1088395L);
  }

  @Test
  void inlineOciManifest_configDigestMatchesConfigBytes() throws Exception {
    ImageManifest m =
        (ImageManifest) Manifests.parse(vector("inline-oci/image-manifest.json"), null);

    assertThat(m.effectiveMediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(m.config().digest())
        .isEqualTo(Digests.sha256(vector("inline-oci/image-config.json")));
    assertThat(m.layers()).hasSize(6);
  }
}
