package dev.kiln.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;

class RetryAndAuthTest extends MockRegistry {

  @Test
  void ping_429WithRetryAfterSeconds_waitsThatLongThenSucceeds() throws Exception {
    enqueueBody(429, errorJson("TOOMANYREQUESTS", "slow down"), "Retry-After", "2");
    enqueue(200);
    client().ping();
    assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    assertThat(take().getTarget()).isEqualTo("/v2/");
  }

  @Test
  void ping_429WithRetryAfterDate_waitsUntilThatDate() throws Exception {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(3).atZone(ZoneOffset.UTC));
    enqueue(429, "Retry-After", date);
    enqueue(200);
    client(b -> b.clock(Clock.fixed(now, ZoneOffset.UTC))).ping();
    assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void ping_retryAfterAboveCap_isCapped() throws Exception {
    enqueue(503, "Retry-After", "3600");
    enqueue(200);
    client().ping();
    assertThat(sleeps).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void ping_503ThenOk_retriesWithJitteredBackoff() throws Exception {
    enqueue(503);
    enqueue(502);
    enqueue(200);
    client().ping();
    assertThat(sleeps).hasSize(2);
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void ping_connectionDroppedBeforeAnswer_isRetried() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    enqueue(200);
    client().ping();
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void ping_retriesExhausted_saysHowManyAttempts() throws Exception {
    for (int i = 0; i < 4; i++) {
      enqueue(500);
    }
    assertThatThrownBy(() -> client().ping())
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(500);
              assertThat(e.isRetryable()).isTrue();
            })
        .hasMessage("checking registry " + host() + ": HTTP 500 (gave up after 4 attempts)");
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void ping_404IsNotRetried() throws Exception {
    enqueue(404);
    assertThatThrownBy(() -> client().ping()).isInstanceOf(RegistryException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void challenge_authorizerGrants_replaysWithNewAuthorization() throws Exception {
    FakeAuthorizer auth = new FakeAuthorizer(null);
    enqueue(401, "WWW-Authenticate", "Bearer realm=\"https://auth.test/token\",service=\"reg\"");
    enqueueBody(200, "{\"name\":\"app\",\"tags\":[\"a\"]}");
    assertThat(client(b -> b.authorizerFactory(h -> auth)).listTags("app")).containsExactly("a");

    RecordedRequest first = take();
    RecordedRequest second = take();
    assertThat(first.getHeaders().get("Authorization")).isNull();
    assertThat(second.getHeaders().get("Authorization")).isEqualTo("Bearer token-1");
    assertThat(auth.challenges)
        .containsExactly(
            java.util.List.of("Bearer realm=\"https://auth.test/token\",service=\"reg\""));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void challenge_secondUnauthorized_failsWithoutLooping() throws Exception {
    FakeAuthorizer auth = new FakeAuthorizer(null);
    enqueue(401, "WWW-Authenticate", "Bearer realm=\"x\"");
    enqueueBody(
        401,
        errorJson("UNAUTHORIZED", "authentication required"),
        "WWW-Authenticate",
        "Bearer realm=\"x\",error=\"insufficient_scope\"");
    RegistryClient c = client(b -> b.authorizerFactory(h -> auth));
    assertThatThrownBy(() -> c.pullManifest("app", "latest"))
        .isInstanceOf(RegistryUnauthorizedException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageNotContaining("token-1");
    assertThat(auth.challenges).hasSize(1);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void challenge_authorizerDeclines_failsAtOnce() throws Exception {
    FakeAuthorizer auth = new FakeAuthorizer(null);
    auth.grant = false;
    enqueue(401, "WWW-Authenticate", "Basic realm=\"r\"");
    assertThatThrownBy(() -> client(b -> b.authorizerFactory(h -> auth)).ping())
        .isInstanceOf(RegistryUnauthorizedException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void userAgent_isSentOnEveryRequest() throws Exception {
    enqueue(200);
    client(b -> b.userAgent("kiln-test/1")).ping();
    assertThat(take().getHeaders().get("User-Agent")).isEqualTo("kiln-test/1");
  }

  @Test
  void parseRetryAfter_garbage_isIgnored() {
    assertThat(RegistryTransport.parseRetryAfter("soon", Instant.EPOCH)).isEmpty();
    assertThat(RegistryTransport.parseRetryAfter("-1", Instant.EPOCH)).isEmpty();
    assertThat(RegistryTransport.parseRetryAfter(" 7 ", Instant.EPOCH))
        .contains(Duration.ofSeconds(7));
  }

  @Test
  void retryPolicy_backoffDoublesUpToMax() {
    RetryPolicy p =
        new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ZERO);
    assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(1000));
    assertThat(p.backoff(3)).isEqualTo(Duration.ofMillis(2000));
    assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.backoff(64)).isEqualTo(Duration.ofSeconds(3));
  }
}
