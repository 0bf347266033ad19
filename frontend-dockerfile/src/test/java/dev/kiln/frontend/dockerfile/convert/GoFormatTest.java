package dev.kiln.frontend.dockerfile.convert;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Go's renderings of durations and runes as BuildKit's history strings contain them. */
class GoFormatTest {

  @Test
  void duration_asGoTimeDurationString() {
    assertThat(GoFormat.duration(0)).isEqualTo("0s");
    assertThat(GoFormat.duration(999)).isEqualTo("999ns");
    assertThat(GoFormat.duration(1_500)).isEqualTo("1.5µs");
    assertThat(GoFormat.duration(500_000_000L)).isEqualTo("500ms");
    assertThat(GoFormat.duration(1_250_000L)).isEqualTo("1.25ms");
    assertThat(GoFormat.duration(5_000_000_000L)).isEqualTo("5s");
    assertThat(GoFormat.duration(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(GoFormat.duration(60_000_000_000L)).isEqualTo("1m0s");
    assertThat(GoFormat.duration(90_000_000_000L)).isEqualTo("1m30s");
    assertThat(GoFormat.duration(3_600_000_000_000L)).isEqualTo("1h0m0s");
    assertThat(GoFormat.duration(3_723_500_000_000L)).isEqualTo("1h2m3.5s");
    assertThat(GoFormat.duration(-2_000_000_000L)).isEqualTo("-2s");
  }

  @Test
  void quoteRune_asGoStrconvQuoteRune() {
    assertThat(GoFormat.quoteRune(0)).isEqualTo("'\\x00'");
    assertThat(GoFormat.quoteRune(3)).isEqualTo("'\\x03'");
    assertThat(GoFormat.quoteRune(10)).isEqualTo("'\\n'");
    assertThat(GoFormat.quoteRune(65)).isEqualTo("'A'");
    assertThat(GoFormat.quoteRune('\'')).isEqualTo("'\\''");
    assertThat(GoFormat.quoteRune(0x7f)).isEqualTo("'\\x7f'");
  }
}
