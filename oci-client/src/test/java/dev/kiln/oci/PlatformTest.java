package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformTest {

  @ParameterizedTest
  @CsvSource({
    "linux/amd64, linux/amd64",
    "linux/x86_64, linux/amd64",
    "Linux/AArch64, linux/arm64",
    "linux/arm64/v8, linux/arm64",
    "linux/arm/v7, linux/arm/v7",
    "linux/i386, linux/386",
    "' linux/amd64 ', linux/amd64"
  })
  void parse_normalises(String spec, String expected) {
    assertThat(Platform.parse(spec)).hasToString(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"linux", "/amd64", "linux/", "a/b/c/d", ""})
  void parse_invalid_throwsNamingInput(String spec) {
    assertThatThrownBy(() -> Platform.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + spec + "'");
  }

  @Test
  void matches_variantOnlyComparedWhenBothHaveOne() {
    assertThat(Platform.of("linux", "arm", "v7").matches(Platform.of("linux", "arm"))).isTrue();
    assertThat(Platform.of("linux", "arm", "v7").matches(Platform.of("linux", "arm", "v6")))
        .isFalse();
    assertThat(Platform.of("linux", "amd64").matches(Platform.of("windows", "amd64"))).isFalse();
  }

  @Test
  void json_omitsEmptyAndUsesDottedNames() throws Exception {
    Platform p = new Platform("amd64", "windows", "10.0.17763", List.of("win32k"), null, null);

    String json = OciJson.toJson(p);

    assertThat(json)
        .isEqualTo(
            "{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.17763\","
                + "\"os.features\":[\"win32k\"]}");
    assertThat(OciJson.parse(json.getBytes(StandardCharsets.UTF_8), Platform.class)).isEqualTo(p);
    assertThat(OciJson.toJson(Platform.of("linux", "arm64", "v8")))
        .isEqualTo("{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}");
  }

  @Test
  void constructor_missingOs_rejected() {
    assertThatThrownBy(() -> Platform.of("", "amd64")).isInstanceOf(IllegalArgumentException.class);
  }
}
