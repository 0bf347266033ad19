package dev.kiln.oci.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import dev.kiln.oci.registry.RegistryUnauthorizedException;
import dev.kiln.oci.registry.UploadMode;
import dev.kiln.oci.registry.auth.Credential;
import dev.kiln.oci.registry.auth.CredentialProviders;
import dev.kiln.testsupport.AccessLogEntry;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.FaultRule;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.TokenServer;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against the token-auth variant of the real registry, with an in-JVM token server; a
 * pass-through proxy in front injects an {@code invalid_token} challenge in the middle of a push.
 */
class TokenAuthRegistryIT {

  private static final String PUSHER_PASSWORD = "pusher-Pw-123";
  private static final String READER_PASSWORD = "reader-Pw-456";

  private static TokenServer tokens;
  private static RegistryContainer registry;
  private static FaultProxy proxy;

  @BeforeAll
  static void start() {
    tokens =
        TokenServer.builder()
            .user("pusher", PUSHER_PASSWORD)
            .user("reader", READER_PASSWORD)
            .grant("pusher", "(team|public)/.*", "pull", "push")
            .grant("reader", "team/.*", "pull")
            .anonymousGrant("public/.*", "pull")
            .allowAnonymous(true)
            .start();
    registry = RegistryContainer.builder().tokenAuth(tokens).build();
    registry.start();
    proxy = FaultProxy.start(registry.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (tokens != null) {
      tokens.close();
    }
  }

  @AfterEach
  void reset() {
    proxy.clearRules();
    proxy.clearAccessLog();
    tokens.clearRequests();
  }

  private static RegistryClient client(String host, String user, String password)
      throws RegistryException {
    return RegistryClient.builder(host)
        .credentials(CredentialProviders.fixed(host, Credential.basic(user, password)))
        .build();
  }

  @Test
  void pushAndPull_userWithPush_roundTrips() throws Exception {
    TestImages.Image image = TestImages.image(true, "TOKEN=1", TestImages.layer("t", "token"));
    try (RegistryClient client = client(registry.hostPort(), "pusher", PUSHER_PASSWORD)) {
      Digest digest = image.push(client, "team/app", "v1");
      assertThat(client.pullManifest("team/app", "v1").digest()).isEqualTo(digest);
      TestImages.Layer layer = image.layers().get(0);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client.pullBlob("team/app", layer.digest(), layer.blob().length, out);
      assertThat(out.toByteArray()).isEqualTo(layer.blob());
    }
    assertThat(tokens.requests())
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(200))
        .anySatisfy(r -> assertThat(r.scopes()).contains("repository:team/app:pull,push"));
  }

  @Test
  void pushBlob_pullOnlyUser_failsWithClearError() throws Exception {
    byte[] blob = "reader may not push".getBytes();
    try (RegistryClient client = client(registry.hostPort(), "reader", READER_PASSWORD)) {
      assertThatThrownBy(() -> client.pushBlob("team/readonly", BlobSource.of(blob)))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining("team/readonly")
          .satisfies(
              e -> {
                assertThat(e.getMessage()).doesNotContain(READER_PASSWORD);
                assertThat(((RegistryException) e).statusCode()).isIn(401, 403);
              });
    }
    try (RegistryClient pusher = client(registry.hostPort(), "pusher", PUSHER_PASSWORD)) {
      assertThat(pusher.checkBlob("team/readonly", Digests.sha256(blob))).isEmpty();
    }
  }

  @Test
  void pushBlob_tokenRejectedBetweenPatchAndPut_refreshesAndCompletes() throws Exception {
    TestImages.Layer layer = TestImages.randomLayer(300 * 1024, 11);
    String challenge =
        "Bearer realm=\""
            + tokens.realm()
            + "\",service=\""
            + tokens.service()
            + "\",scope=\"repository:team/expiry:pull,push\",error=\"invalid_token\"";
    proxy.addRule(
        FaultRule.on("PUT", "/v2/team/expiry/blobs/uploads/.+")
            .respond(
                401,
                Map.of("WWW-Authenticate", challenge, "Content-Type", "application/json"),
                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token expired\"}]}"));
    try (RegistryClient client =
        RegistryClient.builder(proxy.hostPort())
            .credentials(
                CredentialProviders.fixed(
                    proxy.hostPort(), Credential.basic("pusher", PUSHER_PASSWORD)))
            .uploadMode(UploadMode.CHUNKED)
            .chunkSize(128 * 1024)
            .build()) {
      assertThat(client.pushBlob("team/expiry", BlobSource.of(layer.blob())))
          .isEqualTo(BlobOutcome.PUSHED);
      long tokenFetchesDuringPush = tokens.requests().size();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client.pullBlob("team/expiry", layer.digest(), layer.blob().length, out);
      assertThat(out.toByteArray()).isEqualTo(layer.blob());
      assertThat(tokenFetchesDuringPush).isGreaterThanOrEqualTo(2);
    }
    assertThat(proxy.accessLog())
        .extracting(AccessLogEntry::method, AccessLogEntry::status)
        .containsSubsequence(
            org.assertj.core.groups.Tuple.tuple("PATCH", 202),
            org.assertj.core.groups.Tuple.tuple("PUT", 401),
            org.assertj.core.groups.Tuple.tuple("PUT", 201));
  }

  @Test
  void pushBlob_tokenServerIssuesOnlyExpiredTokens_failsUnauthorized() throws Exception {
    tokens.issueExpiredTokens(true);
    try (RegistryClient client = client(registry.hostPort(), "pusher", PUSHER_PASSWORD)) {
      assertThatThrownBy(() -> client.pushBlob("team/stale", BlobSource.of(new byte[] {9})))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(registry.hostPort())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PUSHER_PASSWORD));
    } finally {
      tokens.issueExpiredTokens(false);
    }
  }

  @Test
  void pullManifest_anonymousOnPublicRepository_succeeds() throws Exception {
    TestImages.Image image = TestImages.image(false, "PUBLIC=1", TestImages.layer("p", "public"));
    Digest digest;
    try (RegistryClient pusher = client(registry.hostPort(), "pusher", PUSHER_PASSWORD)) {
      digest = image.push(pusher, "public/app", "latest");
    }
    tokens.clearRequests();
    try (RegistryClient anonymous =
        RegistryClient.builder(registry.hostPort())
            .credentials(CredentialProviders.fixed("elsewhere.example", Credential.basic("x", "y")))
            .build()) {
      assertThat(anonymous.pullManifest("public/app", "latest").bytes())
          .isEqualTo(image.manifest().bytes());
      assertThat(anonymous.checkManifest("public/app", digest.toString())).isPresent();
      assertThatThrownBy(() -> anonymous.pushBlob("public/app", BlobSource.of(new byte[] {7})))
          .isInstanceOf(RegistryException.class);
    }
    assertThat(tokens.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.subject()).isNull());
  }
}
