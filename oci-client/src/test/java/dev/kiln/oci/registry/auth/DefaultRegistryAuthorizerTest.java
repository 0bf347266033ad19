package dev.kiln.oci.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DefaultRegistryAuthorizerTest {

  private static final String HOST = "registry.test:5000";
  private final OkHttpClient http = new OkHttpClient();
  private MockWebServer tokenServer;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeEach
  void start() throws IOException {
    tokenServer = new MockWebServer();
    tokenServer.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    tokenServer.close();
  }

  private String realm() {
    return "http://127.0.0.1:" + tokenServer.getPort() + "/token";
  }

  private List<String> bearer(String extra) {
    return List.of("Bearer realm=\"" + realm() + "\",service=\"reg\"" + extra);
  }

  private RegistryAuthorizer authorizer(CredentialProvider creds) {
    return RegistryAuthorizers.create(http, HOST, creds, clock);
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest r = tokenServer.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).as("a token request").isNotNull();
    return r;
  }

  @Test
  void authorization_beforeAnyChallenge_isAnonymous() throws IOException {
    assertThat(authorizer(CredentialProvider.ANONYMOUS).authorization(Set.of(Scope.pull("a"))))
        .isEmpty();
    assertThat(tokenServer.getRequestCount()).isZero();
  }

  @Test
  void onChallenge_bearerAnonymous_fetchesTokenWithServiceAndScopes() throws Exception {
    tokenServer.enqueue(json(200, "{\"token\":\"t1\",\"expires_in\":300}"));
    RegistryAuthorizer auth = authorizer(CredentialProvider.ANONYMOUS);
    Set<Scope> scopes = Set.of(Scope.pull("library/busybox"));
    assertThat(auth.onChallenge(bearer(",scope=\"repository:library/busybox:pull\""), scopes))
        .isTrue();
    assertThat(auth.authorization(scopes)).contains("Bearer t1");
    RecordedRequest r = take();
    assertThat(r.getMethod()).isEqualTo("GET");
    assertThat(r.getUrl().queryParameter("service")).isEqualTo("reg");
    assertThat(r.getUrl().queryParameterValues("scope"))
        .containsExactly("repository:library/busybox:pull");
    assertThat(r.getHeaders().get("Authorization")).isNull();
    assertThat(tokenServer.getRequestCount()).isEqualTo(1); // served from the cache afterwards
  }

  @Test
  void onChallenge_withPassword_sendsBasicToTokenEndpoint() throws Exception {
    tokenServer.enqueue(json(200, "{\"access_token\":\"t2\"}"));
    RegistryAuthorizer auth =
        authorizer(CredentialProviders.fixed(HOST, Credential.basic("alice", "s3cret")));
    assertThat(auth.onChallenge(bearer(""), Set.of(Scope.push("x")))).isTrue();
    assertThat(auth.authorization(Set.of(Scope.push("x")))).contains("Bearer t2");
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(take().getHeaders().get("Authorization")).isEqualTo(expected);
  }

  @Test
  void onChallenge_mergesScopes_requestedPushFirst() throws Exception {
    tokenServer.enqueue(json(200, "{\"token\":\"t\"}"));
    RegistryAuthorizer auth =
        authorizer(CredentialProviders.fixed(HOST, Credential.basic("u", "p")));
    auth.onChallenge(
        bearer(",scope=\"repository:src:pull repository:dst:pull\""),
        Set.of(Scope.push("dst"), Scope.pull("src")));
    assertThat(take().getUrl().queryParameterValues("scope"))
        .containsExactly("repository:dst:pull,push", "repository:src:pull");
  }

  @Test
  void onChallenge_identityToken_postsRefreshGrantAndRotatesRefreshToken() throws Exception {
    tokenServer.enqueue(
        json(200, "{\"access_token\":\"a1\",\"refresh_token\":\"r2\",\"expires_in\":60}"));
    tokenServer.enqueue(json(200, "{\"access_token\":\"a2\",\"expires_in\":60}"));
    RegistryAuthorizer auth =
        authorizer(CredentialProviders.fixed(HOST, Credential.identityToken("bob", "r1")));
    Set<Scope> scopes = Set.of(Scope.pull("x"));
    assertThat(auth.onChallenge(bearer(""), scopes)).isTrue();
    RecordedRequest first = take();
    assertThat(first.getMethod()).isEqualTo("POST");
    String form = first.getBody().utf8();
    assertThat(form).contains("grant_type=refresh_token", "refresh_token=r1", "service=reg");
    assertThat(form).contains("scope=repository%3Ax%3Apull");
    assertThat(auth.authorization(scopes)).contains("Bearer a1");

    clock.advance(Duration.ofSeconds(120)); // past expiry: the next request refreshes
    assertThat(auth.authorization(scopes)).contains("Bearer a2");
    assertThat(take().getBody().utf8()).contains("refresh_token=r2");
  }

  @Test
  void onChallenge_oauthPostAnswered404_fallsBackToGet() throws Exception {
    tokenServer.enqueue(json(404, "{}"));
    tokenServer.enqueue(json(200, "{\"token\":\"g\"}"));
    RegistryAuthorizer auth =
        authorizer(CredentialProviders.fixed(HOST, Credential.identityToken(null, "rt")));
    assertThat(auth.onChallenge(bearer(""), Set.of(Scope.pull("x")))).isTrue();
    assertThat(take().getMethod()).isEqualTo("POST");
    assertThat(take().getMethod()).isEqualTo("GET");
    assertThat(auth.authorization(Set.of(Scope.pull("x")))).contains("Bearer g");
  }

  @Test
  void authorization_tokenNearExpiry_isRefetched() throws Exception {
    tokenServer.enqueue(json(200, "{\"token\":\"old\",\"expires_in\":300}"));
    tokenServer.enqueue(json(200, "{\"token\":\"new\",\"expires_in\":300}"));
    RegistryAuthorizer auth = authorizer(CredentialProvider.ANONYMOUS);
    Set<Scope> scopes = Set.of(Scope.pull("x"));
    auth.onChallenge(bearer(""), scopes);
    clock.advance(Duration.ofSeconds(250)); // still well inside the lifetime
    assertThat(auth.authorization(scopes)).contains("Bearer old");
    clock.advance(Duration.ofSeconds(30)); // within the 30 s margin before expiry
    assertThat(auth.authorization(scopes)).contains("Bearer new");
    assertThat(tokenServer.getRequestCount()).isEqualTo(2);
  }

  @Test
  void authorization_concurrentCallers_shareOneFetch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    tokenServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            release.await(5, TimeUnit.SECONDS);
            return json(200, "{\"token\":\"shared\",\"expires_in\":300}");
          }
        });
    RegistryAuthorizer auth = authorizer(CredentialProvider.ANONYMOUS);
    // Learn the scheme with a different scope set so the shared fetch below is the first for it.
    Set<Scope> warm = Set.of(Scope.pull("warm"));
    release.countDown();
    auth.onChallenge(bearer(""), warm);
    int before = tokenServer.getRequestCount();

    CountDownLatch hold = new CountDownLatch(1);
    tokenServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            hold.await(5, TimeUnit.SECONDS);
            return json(200, "{\"token\":\"shared\",\"expires_in\":300}");
          }
        });
    Set<Scope> scopes = Set.of(Scope.pull("x"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Optional<String>>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> auth.authorization(scopes)));
      }
      // Give every caller the chance to queue behind the first fetch, then let it finish.
      while (tokenServer.getRequestCount() == before) {
        Thread.onSpinWait();
      }
      hold.countDown();
      for (Future<Optional<String>> f : results) {
        assertThat(f.get(10, TimeUnit.SECONDS)).contains("Bearer shared");
      }
    } finally {
      pool.shutdownNow();
    }
    // Callers that arrived after the fetch finished hit the cache, so one fetch served all.
    assertThat(tokenServer.getRequestCount() - before).isEqualTo(1);
  }

  @Test
  void onChallenge_invalidTokenWithCredentials_dropsCachedTokenAndRefetches() throws Exception {
    tokenServer.enqueue(json(200, "{\"token\":\"t1\",\"expires_in\":3600}"));
    tokenServer.enqueue(json(200, "{\"token\":\"t2\",\"expires_in\":3600}"));
    RegistryAuthorizer auth =
        authorizer(CredentialProviders.fixed(HOST, Credential.basic("u", "p")));
    Set<Scope> scopes = Set.of(Scope.push("x"));
    auth.onChallenge(bearer(""), scopes);
    assertThat(auth.authorization(scopes)).contains("Bearer t1");
    assertThat(auth.onChallenge(bearer(",error=\"invalid_token\""), scopes)).isTrue();
    assertThat(auth.authorization(scopes)).contains("Bearer t2");
  }

  @Test
  void onChallenge_anonymousTokenRefused_doesNotRetry() throws Exception {
    tokenServer.enqueue(json(200, "{\"token\":\"anon\"}"));
    RegistryAuthorizer auth = authorizer(CredentialProvider.ANONYMOUS);
    Set<Scope> scopes = Set.of(Scope.push("x"));
    assertThat(auth.onChallenge(bearer(""), scopes)).isTrue();
    assertThat(auth.onChallenge(bearer(",error=\"insufficient_scope\""), scopes)).isFalse();
    assertThat(tokenServer.getRequestCount()).isEqualTo(1);
  }

  @Test
  void onChallenge_tokenEndpointRefuses_failsWithHintAndNoSecret() {
    tokenServer.enqueue(json(401, "{\"details\":\"bad\"}"));
    RegistryAuthorizer auth =
        authorizer(CredentialProviders.fixed(HOST, Credential.basic("alice", "hunter2")));
    assertThatThrownBy(() -> auth.onChallenge(bearer(""), Set.of(Scope.pull("x"))))
        .isInstanceOf(RegistryAuthenticationException.class)
        .hasMessageContaining("authenticating to " + HOST)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("check the credentials")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void onChallenge_basic_sendsCredentialsOnceThenGivesUp() throws Exception {
    RegistryAuthorizer auth =
        authorizer(CredentialProviders.fixed(HOST, Credential.basic("u", "p")));
    List<String> basic = List.of("Basic realm=\"r\"");
    assertThat(auth.onChallenge(basic, Set.of())).isTrue();
    assertThat(auth.authorization(Set.of()))
        .contains(
            "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8)));
    assertThat(auth.onChallenge(basic, Set.of())).isFalse(); // the same credentials were refused
  }

  @Test
  void onChallenge_basicWithoutCredentials_isFalse() throws Exception {
    assertThat(
            authorizer(CredentialProvider.ANONYMOUS)
                .onChallenge(List.of("Basic realm=\"r\""), Set.of()))
        .isFalse();
  }

  @Test
  void onChallenge_unknownScheme_isFalse() throws Exception {
    assertThat(authorizer(CredentialProvider.ANONYMOUS).onChallenge(List.of("Negotiate"), Set.of()))
        .isFalse();
  }

  @Test
  void onChallenge_tokenAnswerNotJson_failsClearly() {
    tokenServer.enqueue(json(200, "<html>"));
    AtomicReference<RegistryAuthorizer> auth =
        new AtomicReference<>(authorizer(CredentialProvider.ANONYMOUS));
    assertThatThrownBy(() -> auth.get().onChallenge(bearer(""), Set.of(Scope.pull("x"))))
        .hasMessageContaining("not JSON");
  }

  /** A clock tests can move forward. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
