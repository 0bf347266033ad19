package dev.kiln.oci.registry;

import dev.kiln.oci.registry.auth.CredentialProvider;
import dev.kiln.oci.registry.auth.RegistryAuthorizer;
import dev.kiln.oci.registry.auth.RegistryAuthorizers;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Configures a {@link RegistryClient}. Not thread-safe; build once and share the client.
 *
 * <p>Scheme: loopback hosts ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) use plain HTTP as
 * Docker does, unless a CA or client certificate is configured (then HTTPS, since that material
 * only makes sense for TLS); other hosts use HTTPS unless {@link #insecure(boolean)} allows plain
 * HTTP. {@link #secure(boolean)} forces HTTPS.
 */
public final class RegistryClientBuilder {

  private final String registryHost;
  private Function<String, RegistryAuthorizer> authorizers;
  private CredentialProvider credentials;
  private boolean insecure;
  private boolean secure;
  private final List<Path> caCertificates = new ArrayList<>();
  private Path clientCertificate;
  private Path clientKey;
  private long chunkSize = 4L * 1024 * 1024;
  private UploadMode uploadMode = UploadMode.MONOLITHIC;
  private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
  private int maxParallel = 4;
  private ProgressListener progressListener = ProgressListener.NONE;
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = Sleeper.SYSTEM;
  private String userAgent = "kiln/0.1";
  private Duration connectTimeout = Duration.ofSeconds(30);
  private Duration readTimeout = Duration.ofMinutes(5);
  private Dns dns = Dns.SYSTEM;

  RegistryClientBuilder(String registryHost) {
    this.registryHost = Objects.requireNonNull(registryHost, "registryHost");
  }

  /**
   * Authenticates with the default authorizer (Basic or Bearer tokens, as the registry asks) using
   * these credentials; token requests share this client's TLS settings. Without this and without
   * {@link #authorizerFactory}, requests are anonymous.
   */
  public RegistryClientBuilder credentials(CredentialProvider provider) {
    this.credentials = Objects.requireNonNull(provider, "credential provider");
    return this;
  }

  /**
   * Creates the authorizer for the registry host; overrides {@link #credentials} (default:
   * anonymous).
   */
  public RegistryClientBuilder authorizerFactory(Function<String, RegistryAuthorizer> factory) {
    this.authorizers = Objects.requireNonNull(factory, "authorizer factory");
    return this;
  }

  /** Allows plain HTTP to a non-loopback host (HTTP is then used instead of HTTPS). */
  public RegistryClientBuilder insecure(boolean insecure) {
    this.insecure = insecure;
    return this;
  }

  /**
   * Forces HTTPS, also for loopback hosts (which otherwise use plain HTTP): for a registry that
   * serves TLS on localhost. Cannot be combined with {@link #insecure(boolean)}.
   */
  public RegistryClientBuilder secure(boolean secure) {
    this.secure = secure;
    return this;
  }

  /** Trusts the CA certificates in a PEM file in addition to the JDK's roots. */
  public RegistryClientBuilder addCaCertificate(Path pem) {
    caCertificates.add(Objects.requireNonNull(pem, "CA certificate file"));
    return this;
  }

  /** Offers a client certificate (PEM chain) and its unencrypted key (PKCS#1, PKCS#8 or EC PEM). */
  public RegistryClientBuilder clientCertificate(Path certificatePem, Path keyPem) {
    this.clientCertificate = Objects.requireNonNull(certificatePem, "client certificate file");
    this.clientKey = Objects.requireNonNull(keyPem, "client key file");
    return this;
  }

  /** Largest PATCH body in {@link UploadMode#CHUNKED} (default 4 MiB, below GHCR's cap). */
  public RegistryClientBuilder chunkSize(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("chunk size must be positive, got " + bytes);
    }
    this.chunkSize = bytes;
    return this;
  }

  /** How blobs are uploaded (default {@link UploadMode#MONOLITHIC}). */
  public RegistryClientBuilder uploadMode(UploadMode mode) {
    this.uploadMode = Objects.requireNonNull(mode, "upload mode");
    return this;
  }

  /** Retry policy for transient failures (default {@link RetryPolicy#DEFAULT}). */
  public RegistryClientBuilder retryPolicy(RetryPolicy policy) {
    this.retryPolicy = Objects.requireNonNull(policy, "retry policy");
    return this;
  }

  /** Operations running at once through this client (default 4); more callers wait. */
  public RegistryClientBuilder maxParallel(int operations) {
    if (operations < 1) {
      throw new IllegalArgumentException("maxParallel must be at least 1, got " + operations);
    }
    this.maxParallel = operations;
    return this;
  }

  /** Receives byte counts and blob outcomes. */
  public RegistryClientBuilder progressListener(ProgressListener listener) {
    this.progressListener = Objects.requireNonNull(listener, "progress listener");
    return this;
  }

  /** The clock used to read {@code Retry-After} dates (tests). */
  public RegistryClientBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** How to wait between retries (tests pass a recorder). */
  public RegistryClientBuilder sleeper(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    return this;
  }

  /** The User-Agent header. */
  public RegistryClientBuilder userAgent(String userAgent) {
    this.userAgent = Objects.requireNonNull(userAgent, "user agent");
    return this;
  }

  /** Connect and read timeouts (defaults 30 s and 5 min). */
  public RegistryClientBuilder timeouts(Duration connect, Duration read) {
    this.connectTimeout = Objects.requireNonNull(connect, "connect timeout");
    this.readTimeout = Objects.requireNonNull(read, "read timeout");
    return this;
  }

  /** Name resolution override (tests map a non-loopback name to 127.0.0.1). */
  RegistryClientBuilder dns(Dns dns) {
    this.dns = dns;
    return this;
  }

  /**
   * Builds the client.
   *
   * @throws IllegalArgumentException when the host is malformed
   * @throws RegistryException when a certificate or key file cannot be loaded
   */
  public RegistryClient build() throws RegistryException {
    HttpUrl probe = HttpUrl.parse("https://" + registryHost + "/");
    if (probe == null || registryHost.contains("/") || registryHost.contains("@")) {
      throw new IllegalArgumentException(
          "invalid registry host '"
              + registryHost
              + "': expected host[:port], e.g. localhost:5000");
    }
    if (secure && insecure) {
      throw new IllegalArgumentException(
          "registry "
              + registryHost
              + ": secure (HTTPS only) and insecure (plain HTTP) exclude each other");
    }
    String scheme = plainHttp(probe) ? "http" : "https";
    HttpUrl base = probe.newBuilder().scheme(scheme).port(portOf(probe)).build();
    OkHttpClient.Builder http =
        new OkHttpClient.Builder()
            // Our transport retries with backoff and knows which bodies are replayable; okhttp's
            // silent connection retry would replay outside that budget.
            .retryOnConnectionFailure(false)
            .followRedirects(true)
            .followSslRedirects(true)
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .writeTimeout(readTimeout)
            .dns(dns);
    try {
      TlsSupport.configure(http, caCertificates, clientCertificate, clientKey);
    } catch (IOException | GeneralSecurityException e) {
      throw new RegistryException(
          "configuring TLS for " + registryHost + ": " + e.getMessage() + " (check the PEM files)",
          e);
    }
    OkHttpClient client = http.build();
    RegistryTransport transport =
        new RegistryTransport(
            client,
            base,
            registryHost,
            Objects.requireNonNull(authorizerFor(client), "authorizer"),
            retryPolicy,
            sleeper,
            clock,
            userAgent);
    return new RegistryClient(
        RegistryClientParts.create(client, transport, uploadMode, chunkSize, progressListener),
        maxParallel);
  }

  private RegistryAuthorizer authorizerFor(OkHttpClient client) {
    if (authorizers != null) {
      return authorizers.apply(registryHost);
    }
    if (credentials != null) {
      return RegistryAuthorizers.create(client, registryHost, credentials, clock);
    }
    return RegistryAuthorizer.ANONYMOUS;
  }

  /** The explicit port, or the scheme default of the probe URL (https 443) if none was given. */
  private int portOf(HttpUrl probe) {
    boolean explicit = registryHost.matches(".*:\\d+$") && !registryHost.endsWith("]");
    return explicit ? probe.port() : (plainHttp(probe) ? 80 : 443);
  }

  /**
   * Plain HTTP unless HTTPS is forced: when allowed explicitly, or for a loopback host without TLS
   * material: a CA or client certificate given for a loopback registry means it serves TLS, and
   * ignoring it silently would send plain HTTP to a TLS port.
   */
  private boolean plainHttp(HttpUrl probe) {
    boolean tlsConfigured = !caCertificates.isEmpty() || clientCertificate != null;
    return !secure && (insecure || (isLoopback(probe.host()) && !tlsConfigured));
  }

  /** {@code localhost}, an IPv4 literal in 127.0.0.0/8, or {@code ::1}; names are not resolved. */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":")) {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }
}
