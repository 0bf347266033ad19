package dev.kiln.oci.registry.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The registry authorizer kiln uses by default: learns the scheme from the registry's challenges,
 * sends Basic credentials or fetches Bearer tokens (Docker token spec GET, or the OAuth2 POST when
 * an identity token is known, falling back to GET), caches tokens per (realm, service, scopes)
 * until shortly before they expire, and shares one fetch among concurrent requests for the same
 * scopes. Thread-safe.
 */
final class DefaultRegistryAuthorizer implements RegistryAuthorizer {

  /** Token answers are small; anything larger is not a token endpoint. */
  private static final long MAX_TOKEN_BODY = 1 << 20;

  private static final String CLIENT_ID = "kiln";

  private final OkHttpClient http;
  private final String registryHost;
  private final CredentialProvider credentials;
  private final Clock clock;

  private final Map<TokenKey, TokenResponse> tokens = new ConcurrentHashMap<>();
  private final Map<TokenKey, CompletableFuture<TokenResponse>> inFlight =
      new ConcurrentHashMap<>();

  private volatile Challenge challenge; // the scheme in force, learned from the last 401
  private volatile Optional<Credential> credential; // loaded lazily, once
  private volatile String refreshToken; // rotated by token answers

  DefaultRegistryAuthorizer(
      OkHttpClient http, String registryHost, CredentialProvider credentials, Clock clock) {
    this.http = http;
    this.registryHost = registryHost;
    this.credentials = credentials;
    this.clock = clock;
  }

  @Override
  public Optional<String> authorization(Set<Scope> scopes) throws IOException {
    Challenge current = challenge;
    if (current == null) {
      return Optional.empty(); // nothing learned yet: go anonymous and let a 401 teach us
    }
    if (current.scheme().equals("basic")) {
      return credential().map(DefaultRegistryAuthorizer::basicHeader);
    }
    TokenKey key = TokenKey.of(current, scopes);
    TokenResponse token = tokens.get(key);
    if (token == null || !clock.instant().isBefore(token.usableUntil())) {
      token = fetchShared(key, List.copyOf(new TreeSet<>(scopeStrings(scopes))));
    }
    return Optional.of("Bearer " + token.token());
  }

  @Override
  public boolean onChallenge(List<String> wwwAuthenticate, Set<Scope> scopes) throws IOException {
    Optional<Challenge> offered = Challenge.preferred(Challenge.parse(wwwAuthenticate));
    if (offered.isEmpty()) {
      return false; // no scheme we speak
    }
    Challenge next = offered.get();
    Challenge previous = challenge;
    challenge = next;
    if (next.scheme().equals("basic")) {
      // Retrying helps only if we were not already sending Basic and have something to send.
      boolean wasBasic = previous != null && previous.scheme().equals("basic");
      return !wasBasic && credential().isPresent();
    }
    if (next.param("realm") == null) {
      throw new RegistryAuthenticationException(
          "authenticating to " + registryHost + ": its Bearer challenge names no token realm");
    }
    TokenKey key = TokenKey.of(next, scopes);
    TokenResponse had = tokens.remove(key);
    String error = next.param("error");
    if (had != null && error != null && credential().isEmpty() && refreshToken == null) {
      // The anonymous token was refused; asking again anonymously cannot change the answer.
      return false;
    }
    fetchShared(key, mergeScopes(scopes, next.scopes()));
    return true;
  }

  /**
   * Requested scopes first (registries that read only the first scope see the push one), then the
   * challenge's, actions of one resource merged.
   */
  static List<String> mergeScopes(Set<Scope> requested, List<Scope> fromChallenge) {
    Map<String, SortedSet<String>> merged = new LinkedHashMap<>();
    List<Scope> ordered = new ArrayList<>(requested);
    ordered.sort((a, b) -> Integer.compare(b.actions().size(), a.actions().size()));
    ordered.addAll(fromChallenge);
    for (Scope s : ordered) {
      merged.computeIfAbsent(s.type() + ":" + s.name(), k -> new TreeSet<>()).addAll(s.actions());
    }
    List<String> out = new ArrayList<>();
    merged.forEach((resource, actions) -> out.add(resource + ":" + String.join(",", actions)));
    return out;
  }

  private TokenResponse fetchShared(TokenKey key, List<String> scopeParams) throws IOException {
    CompletableFuture<TokenResponse> mine = new CompletableFuture<>();
    CompletableFuture<TokenResponse> running = inFlight.putIfAbsent(key, mine);
    if (running == null) {
      try {
        TokenResponse token = fetch(key, scopeParams);
        tokens.put(key, token);
        mine.complete(token);
        return token;
      } catch (IOException | RuntimeException e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        inFlight.remove(key, mine);
      }
    }
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for a registry token");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new RegistryAuthenticationException(io.getMessage(), io);
      }
      throw new RegistryAuthenticationException(
          "authenticating to " + registryHost + ": " + cause, cause);
    }
  }

  private TokenResponse fetch(TokenKey key, List<String> scopeParams) throws IOException {
    HttpUrl realm = HttpUrl.parse(key.realm());
    if (realm == null) {
      throw new RegistryAuthenticationException(
          "authenticating to " + registryHost + ": the token realm is not a URL");
    }
    Optional<Credential> cred = credential();
    String identity =
        refreshToken != null ? refreshToken : cred.map(Credential::identityToken).orElse(null);
    if (identity != null) {
      FormBody.Builder form =
          new FormBody.Builder()
              .add("grant_type", "refresh_token")
              .add("refresh_token", identity)
              .add("client_id", CLIENT_ID);
      if (key.service() != null) {
        form.add("service", key.service());
      }
      if (!scopeParams.isEmpty()) {
        form.add("scope", String.join(" ", scopeParams));
      }
      Request post = new Request.Builder().url(realm).post(form.build()).build();
      try (Response response = http.newCall(post).execute()) {
        int code = response.code();
        if (response.isSuccessful()) {
          return remember(TokenResponse.parse(read(response.body(), realm), clock.instant()));
        }
        // Registries without OAuth2 support answer these; the Docker GET flow may still work.
        if (code != 404 && code != 405 && code != 400 && code != 401) {
          throw failure(realm, code);
        }
      }
    }
    HttpUrl.Builder url = realm.newBuilder();
    if (key.service() != null) {
      url.addQueryParameter("service", key.service());
    }
    for (String s : scopeParams) {
      url.addQueryParameter("scope", s);
    }
    Request.Builder get = new Request.Builder().url(url.build()).get();
    cred.filter(c -> c.username() != null && c.password() != null)
        .ifPresent(c -> get.header("Authorization", basicHeader(c)));
    try (Response response = http.newCall(get.build()).execute()) {
      if (!response.isSuccessful()) {
        throw failure(realm, response.code());
      }
      return remember(TokenResponse.parse(read(response.body(), realm), clock.instant()));
    }
  }

  private TokenResponse remember(TokenResponse token) {
    if (token.refreshToken() != null) {
      refreshToken = token.refreshToken();
    }
    return token;
  }

  private RegistryAuthenticationException failure(HttpUrl realm, int code) {
    String where = realm.scheme() + "://" + realm.host() + ":" + realm.port() + realm.encodedPath();
    String hint =
        code == 401 || code == 403
            ? " — check the credentials for " + registryHost + " (docker login, config.json)"
            : "";
    return new RegistryAuthenticationException(
        "authenticating to "
            + registryHost
            + " (token endpoint "
            + where
            + "): HTTP "
            + code
            + hint);
  }

  private static byte[] read(ResponseBody body, HttpUrl realm) throws IOException {
    try (InputStream in = body.byteStream()) {
      byte[] bytes = in.readNBytes((int) MAX_TOKEN_BODY + 1);
      if (bytes.length > MAX_TOKEN_BODY) {
        throw new IOException("the token endpoint " + realm.host() + " sent more than 1 MiB");
      }
      return bytes;
    }
  }

  private Optional<Credential> credential() throws IOException {
    Optional<Credential> c = credential;
    if (c == null) {
      synchronized (this) {
        c = credential;
        if (c == null) {
          c = credentials.credentialFor(registryHost);
          credential = c;
        }
      }
    }
    return c;
  }

  private static String basicHeader(Credential c) {
    String raw = c.username() + ":" + (c.password() == null ? "" : c.password());
    return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> scopeStrings(Set<Scope> scopes) {
    List<String> out = new ArrayList<>();
    for (Scope s : scopes) {
      out.add(s.toString());
    }
    return out;
  }

  /** Tokens are cached per realm, service and the exact scope set asked for. */
  record TokenKey(String realm, String service, Set<String> scopes) {
    static TokenKey of(Challenge c, Set<Scope> scopes) {
      return new TokenKey(
          c.param("realm"), c.param("service"), Set.copyOf(new TreeSet<>(scopeStrings(scopes))));
    }
  }
}
