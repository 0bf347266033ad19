package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultRuleTest {
  @Test
  void applies_nthTwoTimesTwo_affectsSecondAndThirdOnly() {
    FaultRule rule = FaultRule.on("GET", "/v2/").nth(2).times(2).respond(500);

    assertThat(rule.applies(1)).isFalse();
    assertThat(rule.applies(2)).isTrue();
    assertThat(rule.applies(3)).isTrue();
    assertThat(rule.applies(4)).isFalse();
  }

  @Test
  void applies_always_affectsEveryMatchFromNth() {
    FaultRule rule = FaultRule.on("*", ".*").nth(3).always().respond(503);

    assertThat(rule.applies(2)).isFalse();
    assertThat(rule.applies(3)).isTrue();
    assertThat(rule.applies(Integer.MAX_VALUE)).isTrue();
  }

  @Test
  void matches_methodAndWholePath() {
    FaultRule rule = FaultRule.on("patch", "/v2/.+/blobs/uploads/.+").respond(500);

    assertThat(rule.matches("PATCH", "/v2/a/b/blobs/uploads/123")).isTrue();
    assertThat(rule.matches("PUT", "/v2/a/b/blobs/uploads/123")).isFalse();
    assertThat(rule.matches("PATCH", "/v2/a/b/blobs/uploads/")).isFalse();
  }

  @Test
  void tooManyRequests_carriesRetryAfter() {
    FaultRule rule = FaultRule.on("GET", "/v2/").tooManyRequests(7);

    assertThat(rule.fault())
        .isInstanceOfSatisfying(
            FaultRule.Fault.Respond.class,
            r -> {
              assertThat(r.status()).isEqualTo(429);
              assertThat(r.headers()).containsEntry("Retry-After", "7");
            });
  }

  @Test
  void constructor_nthZero_isRejected() {
    assertThatThrownBy(() -> FaultRule.on("GET", "/").nth(0).respond(500))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
