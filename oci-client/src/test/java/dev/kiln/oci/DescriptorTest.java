package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescriptorTest {

  private static final Digest D = Digests.sha256("x");

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void json_minimal_threeFieldsInSpecOrder() {
    assertThat(OciJson.toJson(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, D, 12)))
        .isEqualTo(
            "{\"mediaType\":\""
                + MediaTypes.OCI_LAYER_GZIP
                + "\",\"digest\":\""
                + D
                + "\",\"size\":12}");
  }

  @Test
  void json_zeroSize_isWritten() {
    assertThat(OciJson.toJson(Descriptor.of(MediaTypes.OCI_EMPTY, D, 0))).contains("\"size\":0");
  }

  @Test
  void json_allFields_roundTrip() throws Exception {
    Descriptor d =
        new Descriptor(
            MediaTypes.OCI_MANIFEST,
            D,
            7,
            List.of("https://example.com/blob"),
            Map.of("k", "v"),
            "e30=",
            Platform.of("linux", "arm", "v7"),
            "application/vnd.example+json");

    String json = OciJson.toJson(d);

    assertThat(OciJson.parse(utf8(json), Descriptor.class)).isEqualTo(d);
    assertThat(json)
        .contains("\"urls\":[\"https://example.com/blob\"]")
        .contains("\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}")
        .endsWith("\"artifactType\":\"application/vnd.example+json\"}");
  }

  @Test
  void parse_unknownFieldsIgnored_missingDigestRejected() throws Exception {
    String json = "{\"mediaType\":\"a/b\",\"digest\":\"" + D + "\",\"size\":1,\"extra\":true}";
    assertThat(OciJson.parse(utf8(json), Descriptor.class)).isEqualTo(Descriptor.of("a/b", D, 1));

    assertThatThrownBy(
            () -> OciJson.parse(utf8("{\"mediaType\":\"a/b\",\"size\":1}"), Descriptor.class))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("Descriptor");
  }

  @Test
  void constructor_negativeSizeOrNoMediaType_rejected() {
    assertThatThrownBy(() -> Descriptor.of("a/b", D, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative size");
    assertThatThrownBy(() -> Descriptor.of("", D, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no mediaType");
  }

  @Test
  void withAnnotation_addsWithoutChangingOriginal() {
    Descriptor d = Descriptor.of("a/b", D, 1);
    Descriptor annotated = d.withAnnotation("k", "v").withAnnotation("k2", "v2");

    assertThat(d.annotations()).isEmpty();
    assertThat(annotated.annotation("k")).isEqualTo("v");
    assertThat(annotated.annotations()).containsKeys("k", "k2");
    assertThat(annotated.withMediaType("c/d").mediaType()).isEqualTo("c/d");
  }

  @Test
  void json_annotationsSortedByKey() {
    Descriptor d = Descriptor.of("a/b", D, 1).withAnnotation("z", "1").withAnnotation("a", "2");

    assertThat(OciJson.toJson(d)).endsWith("\"annotations\":{\"a\":\"2\",\"z\":\"1\"}}");
  }
}
