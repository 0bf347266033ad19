package dev.kiln.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * An in-JVM Docker/OAuth2 token endpoint for a registry configured with token auth. It listens on
 * {@code 127.0.0.1} at {@link #realm()}, authenticates Basic credentials (or lets anonymous
 * requests in), grants the requested actions allowed by its {@link Grant} policy, and returns RS256
 * JWTs that the registry trusts through {@link #rootCertificatePem()}.
 *
 * <p>Supports {@code GET realm?service=&scope=&offline_token=} and {@code POST} with {@code
 * grant_type=password} or {@code refresh_token}. Switches let a test invalidate tokens: {@link
 * #issueExpiredTokens(boolean)} (exp beyond the registry's 60 s leeway) and {@link
 * #signWithUntrustedKey(boolean)}. Every request is recorded ({@link #requests()}) without secrets.
 *
 * <p>Thread-safe. Close it to free the port.
 */
public final class TokenServer implements AutoCloseable {
  private final Map<String, String> users;
  private final List<Grant> grants;
  private final boolean allowAnonymous;
  private final String service;
  private final String issuer;
  private final JwtSigner trusted = new JwtSigner("kiln test token signer");
  private final JwtSigner untrusted = new JwtSigner("kiln untrusted token signer");
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private final Map<String, String> refreshTokens = new java.util.concurrent.ConcurrentHashMap<>();
  private final HttpServer server;
  private final ExecutorService executor;
  private volatile Duration lifetime;
  private volatile boolean expired;
  private volatile boolean untrustedKey;
  private volatile boolean omitExpiresIn;

  private TokenServer(Builder b) {
    users = Map.copyOf(b.users);
    grants = List.copyOf(b.grants);
    allowAnonymous = b.allowAnonymous;
    service = b.service;
    issuer = b.issuer;
    lifetime = b.lifetime;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the token server on 127.0.0.1", e);
    }
    executor = Executors.newFixedThreadPool(4, Daemon.factory("token-server"));
    server.setExecutor(executor);
    server.createContext("/token", new TokenHandler(this));
    server.start();
  }

  /** A builder with service {@code kiln-registry}, issuer {@code kiln-token-server}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The token endpoint URL, e.g. {@code http://127.0.0.1:40123/token}. */
  public String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** The service name, which is the JWT audience and the registry's {@code auth.token.service}. */
  public String service() {
    return service;
  }

  /** The JWT issuer, which must equal the registry's {@code auth.token.issuer}. */
  public String issuer() {
    return issuer;
  }

  /** PEM of the trusted signing certificate, for the registry's {@code rootcertbundle}. */
  public String rootCertificatePem() {
    return trusted.certificatePem();
  }

  /** Sets {@code expires_in} and the JWT lifetime of tokens issued from now on. */
  public void setTokenLifetime(Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("token lifetime must be positive, got " + lifetime);
    }
    this.lifetime = lifetime;
  }

  /** When on, issued tokens expired five minutes ago (beyond the registry's 60 s leeway). */
  public void issueExpiredTokens(boolean on) {
    expired = on;
  }

  /** When on, tokens are signed with a key the registry does not trust. */
  public void signWithUntrustedKey(boolean on) {
    untrustedKey = on;
  }

  /** When on, responses leave out {@code expires_in} (as Quay does). */
  public void omitExpiresIn(boolean on) {
    omitExpiresIn = on;
  }

  /** Requests answered so far, oldest first. */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    requests.clear();
  }

  /**
   * Mints a token directly (no HTTP, no recording) for {@code subject} (null: anonymous) with the
   * actions of {@code scopes} the policy allows, honouring the expiry and key switches.
   */
  public String mint(String subject, List<String> scopes) {
    return Tokens.sign(this, subject, scopes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // Package-private state for TokenHandler and Tokens.

  boolean authenticate(String user, String password) {
    String expected = users.get(user);
    return expected != null && expected.equals(password);
  }

  boolean allowAnonymous() {
    return allowAnonymous;
  }

  List<Grant> grants() {
    return grants;
  }

  JwtSigner signer() {
    return untrustedKey ? untrusted : trusted;
  }

  Duration lifetime() {
    return lifetime;
  }

  boolean expired() {
    return expired;
  }

  boolean omittingExpiresIn() {
    return omitExpiresIn;
  }

  Map<String, String> refreshTokens() {
    return refreshTokens;
  }

  void record(TokenRequest request) {
    requests.add(request);
  }

  /** Collects users and grants; {@link #start()} binds the server. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> users = new HashMap<>();
    private final List<Grant> grants = new ArrayList<>();
    private boolean allowAnonymous = true;
    private String service = "kiln-registry";
    private String issuer = "kiln-token-server";
    private Duration lifetime = Duration.ofMinutes(5);

    private Builder() {}

    /** Adds a user that authenticates with Basic credentials. */
    public Builder user(String name, String password) {
      users.put(name, password);
      return this;
    }

    /** Lets {@code user} have {@code actions} on repositories matching {@code repositoryRegex}. */
    public Builder grant(String user, String repositoryRegex, String... actions) {
      grants.add(new Grant(user, Pattern.compile(repositoryRegex), Set.of(actions)));
      return this;
    }

    /** Lets anonymous requests have {@code actions} on repositories matching the regex. */
    public Builder anonymousGrant(String repositoryRegex, String... actions) {
      return grant(null, repositoryRegex, actions);
    }

    /** Whether requests without credentials get a (possibly empty) token; default true. */
    public Builder allowAnonymous(boolean allow) {
      allowAnonymous = allow;
      return this;
    }

    /** Sets the service (JWT audience). */
    public Builder service(String value) {
      service = value;
      return this;
    }

    /** Sets the issuer. */
    public Builder issuer(String value) {
      issuer = value;
      return this;
    }

    /** Sets the initial token lifetime; default five minutes. */
    public Builder tokenLifetime(Duration value) {
      lifetime = value;
      return this;
    }

    /** Starts the server on a free 127.0.0.1 port. */
    public TokenServer start() {
      return new TokenServer(this);
    }
  }
}
