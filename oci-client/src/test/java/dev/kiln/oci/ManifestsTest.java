package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestsTest {

  private static final Descriptor CONFIG =
      Descriptor.of(MediaTypes.OCI_CONFIG, Digests.sha256("config"), 6);
  private static final Descriptor LAYER =
      Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256("layer"), 5);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String manifestWithoutMediaType() {
    return "{\"schemaVersion\":2,\"config\":"
        + OciJson.toJson(CONFIG)
        + ",\"layers\":["
        + OciJson.toJson(LAYER)
        + "]}";
  }

  @Test
  void imageManifest_roundTrip_deterministicAndEqual() throws Exception {
    ImageManifest m =
        ImageManifest.oci(CONFIG, List.of(LAYER))
            .withAnnotations(Map.of("org.opencontainers.image.created", "2024-01-01T00:00:00Z"));

    byte[] bytes = OciJson.toBytes(m);
    Manifest parsed = Manifests.parse(bytes, MediaTypes.OCI_MANIFEST);

    assertThat(parsed).isEqualTo(m);
    assertThat(OciJson.toBytes(parsed)).isEqualTo(bytes);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .startsWith(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{")
        .endsWith(
            "}],\"annotations\":{\"org.opencontainers.image.created\":"
                + "\"2024-01-01T00:00:00Z\"}}");
  }

  @Test
  void imageManifest_emptyLayers_writesEmptyArray() {
    assertThat(OciJson.toJson(ImageManifest.oci(CONFIG, List.of()))).contains("\"layers\":[]");
  }

  @Test
  void imageIndex_roundTrip_withPlatformsAndSubject() throws Exception {
    Descriptor amd =
        Descriptor.of(MediaTypes.OCI_MANIFEST, Digests.sha256("amd"), 100)
            .withPlatform(Platform.of("linux", "amd64"));
    Descriptor arm =
        Descriptor.of(MediaTypes.OCI_MANIFEST, Digests.sha256("arm"), 100)
            .withPlatform(Platform.of("linux", "arm64", "v8"));
    ImageIndex index =
        new ImageIndex(2, MediaTypes.OCI_INDEX, null, List.of(amd, arm), CONFIG, null);

    Manifest parsed = Manifests.parse(OciJson.toBytes(index), null);

    assertThat(parsed).isEqualTo(index);
    assertThat(((ImageIndex) parsed).forPlatform(Platform.parse("linux/arm64"))).contains(arm);
    assertThat(((ImageIndex) parsed).forPlatform(Platform.parse("linux/s390x"))).isEmpty();
  }

  @Test
  void encode_manifest_digestIsOfCanonicalBytes() {
    ImageManifest m = ImageManifest.docker(CONFIG, List.of(LAYER));

    OciJson.Encoded e = OciJson.encode(m);

    assertThat(e.digest()).isEqualTo(Digests.sha256(e.bytes()));
    assertThat(e.descriptor())
        .isEqualTo(Descriptor.of(MediaTypes.DOCKER_MANIFEST, e.digest(), e.bytes().length));
    assertThat(OciJson.encode(m).bytes()).isEqualTo(e.bytes());
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "application/octet-stream", "text/plain"})
  void parse_noMediaTypeAndGenericHeader_detectsFromShape(String header) throws Exception {
    Manifest m = Manifests.parse(utf8(manifestWithoutMediaType()), header);

    assertThat(m).isInstanceOf(ImageManifest.class);
    assertThat(m.mediaType()).isNull();
    assertThat(m.effectiveMediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(OciJson.toJson(m)).doesNotContain("mediaType\":\"application/vnd.oci.image.man");
  }

  @Test
  void parse_indexWithoutMediaType_detectedByManifestsField() throws Exception {
    Manifest m = Manifests.parse(utf8("{\"schemaVersion\":2,\"manifests\":[]}"), null);

    assertThat(m).isInstanceOf(ImageIndex.class);
    assertThat(m.effectiveMediaType()).isEqualTo(MediaTypes.OCI_INDEX);
  }

  @Test
  void parse_headerWithParameters_used() throws Exception {
    Manifest m =
        Manifests.parse(
            utf8(manifestWithoutMediaType()), MediaTypes.OCI_MANIFEST + "; charset=utf-8");

    assertThat(m).isInstanceOf(ImageManifest.class);
  }

  @Test
  void parse_headerContradictsField_rejected() {
    byte[] bytes = OciJson.toBytes(ImageManifest.oci(CONFIG, List.of(LAYER)));

    assertThatThrownBy(() -> Manifests.parse(bytes, MediaTypes.OCI_INDEX))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("served as '" + MediaTypes.OCI_INDEX + "'");
  }

  @Test
  void parse_indexHeaderOnManifestBody_rejected() {
    assertThatThrownBy(
            () -> Manifests.parse(utf8(manifestWithoutMediaType()), MediaTypes.OCI_INDEX))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("no manifests array");
  }

  @Test
  void parse_schema1_rejectedWithHint() {
    assertThatThrownBy(
            () ->
                Manifests.parse(utf8("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}"), null))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("schema 1");
  }

  @Test
  void parse_unknownMediaType_rejected() {
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    utf8("{\"schemaVersion\":2,\"mediaType\":\"application/x-other\"}"), null))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("application/x-other");
  }

  @Test
  void parse_missingConfig_rejectedWithReason() {
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    utf8("{\"schemaVersion\":2,\"layers\":[]}"), MediaTypes.OCI_MANIFEST))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("no config descriptor");
  }

  @Test
  void parse_notJsonOrNotObject_rejected() {
    assertThatThrownBy(() -> Manifests.parse(utf8("<html>"), null))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> Manifests.parse(utf8("[]"), null))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("not a JSON object");
  }

  @Test
  void constructor_wrongSchemaVersion_rejected() {
    assertThatThrownBy(
            () -> new ImageManifest(1, MediaTypes.OCI_MANIFEST, null, CONFIG, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schemaVersion 1");
    assertThatThrownBy(() -> new ImageIndex(2, MediaTypes.OCI_MANIFEST, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected an index type");
  }

  @Test
  void withers_returnNewValues() {
    ImageManifest m = ImageManifest.oci(CONFIG, List.of());
    assertThat(m.withLayers(List.of(LAYER)).layers()).containsExactly(LAYER);
    assertThat(m.withConfig(LAYER).config()).isEqualTo(LAYER);
    assertThat(m.layers()).isEmpty();
    ImageIndex idx = ImageIndex.docker(List.of()).plus(LAYER);
    assertThat(idx.manifests()).containsExactly(LAYER);
    assertThat(idx.isDocker()).isTrue();
    assertThat(idx.withAnnotations(Map.of("a", "b")).annotations()).containsEntry("a", "b");
  }
}
