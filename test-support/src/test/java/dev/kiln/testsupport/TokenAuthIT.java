package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenAuthIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PUSH = "repository:team/app:pull,push";

  private static TokenServer tokens;
  private static RegistryContainer registry;
  private final OkHttpClient http = Http.client();

  @BeforeAll
  static void start() {
    tokens =
        TokenServer.builder()
            .user("alice", "pw-a")
            .user("bob", "pw-b")
            .grant("alice", "team/.*", "pull", "push")
            .grant("bob", "team/.*", "pull")
            .anonymousGrant("public/.*", "pull")
            .start();
    registry = RegistryContainer.builder().tokenAuth(tokens).build();
    registry.start();
  }

  @AfterAll
  static void stop() {
    registry.close();
    tokens.close();
  }

  @AfterEach
  void reset() {
    tokens.issueExpiredTokens(false);
    tokens.signWithUntrustedKey(false);
    tokens.clearRequests();
  }

  private String fetchToken(String user, String password, String... scopes) throws IOException {
    HttpUrl.Builder url =
        HttpUrl.get(tokens.realm()).newBuilder().addQueryParameter("service", tokens.service());
    for (String scope : scopes) {
      url.addQueryParameter("scope", scope);
    }
    Request.Builder request = new Request.Builder().url(url.build());
    if (user != null) {
      request.header("Authorization", Http.basic(user, password));
    }
    try (Response response = http.newCall(request.build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      return JSON.readTree(response.body().string()).get("token").asText();
    }
  }

  @Test
  void getV2_withoutToken_answersBearerChallenge() throws IOException {
    try (Response response = Http.get(http, registry.baseUrl() + "/v2/")) {
      assertThat(response.code()).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate"))
          .isEqualTo(
              "Bearer realm=\"" + tokens.realm() + "\",service=\"" + tokens.service() + "\"");
    }
  }

  @Test
  void pushBlob_withPushToken_succeeds() throws IOException {
    String token = fetchToken("alice", "pw-a", PUSH);
    byte[] blob = "token-authorised blob".getBytes();

    try (Response response = Http.get(http, registry.baseUrl() + "/v2/", "Bearer " + token)) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(Http.pushBlob(http, registry.baseUrl(), "team/app", blob, "Bearer " + token))
        .isEqualTo(201);
    try (Response response =
        Http.get(
            http,
            registry.baseUrl() + "/v2/team/app/blobs/" + Http.sha256(blob),
            "Bearer " + token)) {
      assertThat(response.body().bytes()).isEqualTo(blob);
    }
    assertThat(tokens.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.subject()).isEqualTo("alice");
              assertThat(r.scopes()).containsExactly(PUSH);
              assertThat(r.grantType()).isEqualTo("basic");
            });
  }

  @Test
  void pushBlob_withPullOnlyToken_answersInsufficientScope() throws IOException {
    String token = fetchToken("bob", "pw-b", PUSH);
    Request post =
        new Request.Builder()
            .url(registry.baseUrl() + "/v2/team/app/blobs/uploads/")
            .header("Authorization", "Bearer " + token)
            .post(okhttp3.RequestBody.create(new byte[0], null))
            .build();

    try (Response response = http.newCall(post).execute()) {
      assertThat(response.code()).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate"))
          .contains("error=\"insufficient_scope\"")
          // The registry lists the actions in Go map order: either way round.
          .containsPattern("scope=\"repository:team/app:(pull,push|push,pull)\"");
    }
  }

  @Test
  void request_withExpiredToken_answersInvalidToken() throws IOException {
    tokens.issueExpiredTokens(true);
    String token = fetchToken("alice", "pw-a", PUSH);

    try (Response response =
        Http.get(http, registry.baseUrl() + "/v2/team/app/tags/list", "Bearer " + token)) {
      assertThat(response.code()).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }
  }

  @Test
  void request_withUntrustedSignature_answersInvalidToken() throws IOException {
    tokens.signWithUntrustedKey(true);
    String token = fetchToken("alice", "pw-a", PUSH);

    try (Response response = Http.get(http, registry.baseUrl() + "/v2/", "Bearer " + token)) {
      assertThat(response.code()).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }
  }

  @Test
  void anonymousToken_onPublicRepo_allowsPullButNotPush() throws IOException {
    String token = fetchToken(null, null, "repository:public/base:pull,push");

    try (Response response =
        Http.get(http, registry.baseUrl() + "/v2/public/base/tags/list", "Bearer " + token)) {
      assertThat(response.code()).isEqualTo(404); // authorised; the repository is just empty
    }
    assertThat(
            Http.pushBlob(
                http, registry.baseUrl(), "public/base", new byte[] {1}, "Bearer " + token))
        .isEqualTo(401);
  }

  @Test
  void tokenEndpoint_wrongPassword_answers401AndRecordsNoSubject() throws IOException {
    Request request =
        new Request.Builder()
            .url(tokens.realm() + "?service=" + tokens.service())
            .header("Authorization", Http.basic("alice", "nope"))
            .build();

    try (Response response = http.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(401);
    }
    assertThat(tokens.requests()).singleElement().satisfies(r -> assertThat(r.subject()).isNull());
  }

  @Test
  void oauth2Post_passwordThenRefreshToken_issuesWorkingTokens() throws IOException {
    JsonNode first =
        post(
            new FormBody.Builder()
                .add("grant_type", "password")
                .add("username", "alice")
                .add("password", "pw-a")
                .add("service", tokens.service())
                .add("scope", PUSH)
                .add("client_id", "kiln-test")
                .build());
    assertThat(first.get("expires_in").asLong()).isPositive();
    JsonNode second =
        post(
            new FormBody.Builder()
                .add("grant_type", "refresh_token")
                .add("refresh_token", first.get("refresh_token").asText())
                .add("service", tokens.service())
                .add("scope", PUSH)
                .add("client_id", "kiln-test")
                .build());

    assertThat(
            Http.pushBlob(
                http,
                registry.baseUrl(),
                "team/app",
                "refreshed".getBytes(),
                "Bearer " + second.get("access_token").asText()))
        .isEqualTo(201);
    assertThat(tokens.requests())
        .extracting(TokenRequest::method, TokenRequest::grantType, TokenRequest::subject)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("POST", "password", "alice"),
            org.assertj.core.groups.Tuple.tuple("POST", "refresh_token", "alice"));
    assertThat(tokens.requests()).allSatisfy(r -> assertThat(r.scopes()).isEqualTo(List.of(PUSH)));
  }

  private JsonNode post(FormBody form) throws IOException {
    try (Response response =
        http.newCall(new Request.Builder().url(tokens.realm()).post(form).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      return JSON.readTree(response.body().string());
    }
  }
}
