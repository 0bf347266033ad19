package dev.kiln.core.cache.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Go encoding/json rules of buildkit-keys-v0.11.md §2. */
class GoJsonObjectTest {

  private static String str(String s, boolean go122) {
    return dev.kiln.core.cache.internal.GoJson.appendString(new StringBuilder(), s, go122)
        .toString();
  }

  @Test
  void string_htmlAndControl_goEscapes() {
    assertThat(str("2>/dev/null && a<b", false))
        .isEqualTo("\"2\\u003e/dev/null \\u0026\\u0026 a\\u003cb\"");
    assertThat(str("q\"\\\n\r\t", false)).isEqualTo("\"q\\\"\\\\\\n\\r\\t\"");
    assertThat(str("\u0001\u001f", false)).isEqualTo("\"\\u0001\\u001f\"");
    assertThat(str("\u2028\u2029", false)).isEqualTo("\"\\u2028\\u2029\"");
  }

  @Test
  void string_utf8Raw_unpairedSurrogateReplaced() {
    assertThat(str("tab\té ü 😀", false)).isEqualTo("\"tab\\té ü 😀\"");
    assertThat(str("a\ud800b", false)).isEqualTo("\"a\\ufffdb\"");
  }

  @Test
  void string_backspaceFormfeed_dependOnGoVersion() {
    assertThat(str("\b\f", false)).isEqualTo("\"\\u0008\\u000c\"");
    assertThat(str("\b\f", true)).isEqualTo("\"\\b\\f\"");
  }

  @Test
  void object_omitEmptyAndAlways_structOrder() {
    GoJsonObject j =
        new GoJsonObject(false)
            .str("a", "")
            .strAlways("b", "")
            .num("c", 0)
            .numAlways("d", 0)
            .bool("e", false)
            .bool("f", true)
            .obj("g", null)
            .obj("h", new GoJsonObject(false))
            .strings("i", List.of())
            .strings("j", List.of("x", "<"))
            .bytes("k", new byte[0])
            .bytes("l", new byte[] {1, 2})
            .num("m", -1);

    assertThat(j.json())
        .isEqualTo(
            "{\"b\":\"\",\"d\":0,\"f\":true,\"h\":{},\"j\":[\"x\",\"\\u003c\"],\"l\":\"AQI=\",\"m\":-1}");
  }
}
