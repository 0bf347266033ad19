package dev.kiln.oci.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryUnauthorizedException;
import dev.kiln.oci.registry.auth.Credential;
import dev.kiln.oci.registry.auth.CredentialProvider;
import dev.kiln.oci.registry.auth.CredentialProviders;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.FaultRule;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.TokenServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Token authentication against the real registry with the test's own token server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenAuthIT {
  TokenServer tokens;
  RegistryContainer registry;
  FaultProxy proxy;

  @BeforeAll
  void start() throws Exception {
    tokens =
        TokenServer.builder()
            .user("pusher", "pw1")
            .user("reader", "pw2")
            .grant("pusher", ".*", "pull", "push")
            .grant("reader", ".*", "pull")
            .allowAnonymous(true)
            .anonymousGrant("public/.*", "pull")
            .start();
    registry = RegistryContainer.builder().tokenAuth(tokens).build();
    registry.start();
    proxy = FaultProxy.start(registry.baseUrl());
  }

  @AfterAll
  void stop() {
    proxy.close();
    registry.close();
    tokens.close();
  }

  private RegistryClient client(String host, String user, String password) throws Exception {
    return RegistryClient.builder(host)
        .credentials(
            user == null
                ? CredentialProvider.ANONYMOUS
                : CredentialProviders.fixed(host, Credential.basic(user, password)))
        .build();
  }

  @Test
  void pushAndPull_userWithPush_works() throws Exception {
    try (RegistryClient c = client(registry.hostPort(), "pusher", "pw1")) {
      TestImages.Image image = TestImages.image(true, "T=1", TestImages.layer("t", "t"));
      image.push(c, "team/app", "v1");
      assertThat(c.pullManifest("team/app", "v1").bytes()).isEqualTo(image.manifest().bytes());
    }
    assertThat(tokens.requests()).isNotEmpty();
  }

  @Test
  void push_pullOnlyUser_failsUnauthorized() throws Exception {
    try (RegistryClient c = client(registry.hostPort(), "reader", "pw2")) {
      assertThatThrownBy(() -> c.pushBlob("team/app", BlobSource.of("nope".getBytes())))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageNotContaining("pw2");
    }
  }

  @Test
  void pull_anonymousPublicRepository_works() throws Exception {
    TestImages.Image image = TestImages.image(true, "P=1", TestImages.layer("p", "p"));
    try (RegistryClient pusher = client(registry.hostPort(), "pusher", "pw1")) {
      image.push(pusher, "public/base", "v1");
    }
    try (RegistryClient anon = client(registry.hostPort(), null, null)) {
      assertThat(anon.pullManifest("public/base", "v1").bytes())
          .isEqualTo(image.manifest().bytes());
      assertThatThrownBy(() -> anon.pushBlob("public/base", BlobSource.of("x".getBytes())))
          .isInstanceOf(RegistryUnauthorizedException.class);
    }
  }

  @Test
  void push_tokenExpiresMidPush_refreshesAndCompletes() throws Exception {
    TestImages.Image image =
        TestImages.image(
            true, "E=1", TestImages.layer("e1", "first"), TestImages.layer("e2", "second"));
    try (RegistryClient c = client(proxy.hostPort(), "pusher", "pw1")) {
      // First layer goes up with a fresh token.
      c.pushBlob("team/expiry", BlobSource.of(image.layers().get(0).blob()));
      int fetched = tokens.requests().size();
      // From now on the registry sees the cached token as expired: the next upload's PUT is
      // answered as the real registry answers an expired token, and later tokens are expired
      // too until we switch back, so the client must fetch a new one and replay.
      proxy.addRule(
          FaultRule.on("PUT", ".*/blobs/uploads/.*")
              .nth(1)
              .respond(
                  401,
                  Map.of(
                      "WWW-Authenticate",
                      "Bearer realm=\""
                          + tokens.realm()
                          + "\",service=\""
                          + tokens.service()
                          + "\",scope=\"repository:team/expiry:pull,push\",error=\"invalid_token\""),
                  "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"));
      assertThat(c.pushBlob("team/expiry", BlobSource.of(image.layers().get(1).blob())))
          .isEqualTo(BlobOutcome.PUSHED);
      assertThat(tokens.requests().size()).isGreaterThan(fetched);
      c.pushBlob("team/expiry", BlobSource.of(image.config().bytes()));
      c.pushManifest(
          "team/expiry", "v1", image.manifest().bytes(), image.manifest().descriptor().mediaType());
      assertThat(c.checkBlob("team/expiry", image.layers().get(1).digest()))
          .hasValue(image.layers().get(1).blob().length);
    } finally {
      proxy.clearRules();
    }
  }

  @Test
  void push_registryRejectsExpiredToken_clientFetchesFreshOne() throws Exception {
    try (RegistryClient c = client(registry.hostPort(), "pusher", "pw1")) {
      tokens.issueExpiredTokens(true);
      try {
        assertThatThrownBy(() -> c.pushBlob("team/stale", BlobSource.of("s".getBytes())))
            .isInstanceOf(RegistryUnauthorizedException.class);
      } finally {
        tokens.issueExpiredTokens(false);
      }
      // With valid tokens again, the same client recovers on its own.
      assertThat(c.pushBlob("team/stale", BlobSource.of("s".getBytes())))
          .isEqualTo(BlobOutcome.PUSHED);
    }
  }
}
