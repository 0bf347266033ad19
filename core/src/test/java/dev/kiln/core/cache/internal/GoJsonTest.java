package dev.kiln.core.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class GoJsonTest {

  @Test
  void appendString_goEscaping() {
    String s = "q\"b\\n\nr\rt\tc\u0001<>&\u2028\u2029é\ud83d\ude00x\ud800";
    assertThat(GoJson.appendString(new StringBuilder(), s).toString())
        .isEqualTo(
            "\"q\\\"b\\\\n\\nr\\rt\\tc\\u0001\\u003c\\u003e\\u0026\\u2028\\u2029é\ud83d\ude00x\\ufffd\"");
  }

  @Test
  void formatTime_trimsTrailingZerosAndWritesOffsets() {
    assertThat(GoJson.formatTime(OffsetDateTime.parse("2026-11-28T15:26:36.058350420Z")))
        .isEqualTo("2026-11-28T15:26:36.05835042Z");
    assertThat(GoJson.formatTime(OffsetDateTime.parse("2026-11-28T15:26:36Z")))
        .isEqualTo("2026-11-28T15:26:36Z");
    assertThat(GoJson.formatTime(OffsetDateTime.parse("2026-11-28T15:26:36.000000001-05:30")))
        .isEqualTo("2026-11-28T15:26:36.000000001-05:30");
    assertThat(GoJson.formatTime(OffsetDateTime.parse("0001-01-01T00:00:00Z")))
        .isEqualTo("0001-01-01T00:00:00Z");
  }

  @Test
  void parseTime_acceptsGoRfc3339Only() {
    assertThat(GoJson.parseTime("2026-11-28T15:26:36.5+01:00"))
        .isEqualTo(OffsetDateTime.parse("2026-11-28T15:26:36.5+01:00"));
    assertThatThrownBy(() -> GoJson.parseTime("2026-11-28T15:26Z"))
        .hasMessageContaining("not an RFC 3339 time");
    assertThatThrownBy(() -> GoJson.parseTime("2026-11-28 15:26:00Z"))
        .hasMessageContaining("not an RFC 3339 time");
    assertThatThrownBy(() -> GoJson.parseTime("2026-13-28T15:26:00Z"))
        .hasMessageContaining("not an RFC 3339 time");
  }
}
