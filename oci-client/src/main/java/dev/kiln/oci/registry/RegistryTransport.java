package dev.kiln.oci.registry;

import dev.kiln.oci.registry.auth.RegistryAuthorizer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Sends {@link Exchange}s to one registry: adds the User-Agent and, for requests to the registry
 * host only, the {@code Authorization} the authorizer supplies; answers a 401 challenge by asking
 * the authorizer and replaying once; retries transient failures of replayable requests with bounded
 * backoff. Thread-safe.
 *
 * <p>Authorization is attached here (once per attempt, after checking the host) rather than in an
 * okhttp interceptor, so a redirect or an upload Location on another host never carries it; okhttp
 * strips the header itself when it follows a redirect to another host, port or scheme.
 */
final class RegistryTransport {

  /** Handles the final answer (2xx or a pass-through status) of an exchange. */
  @FunctionalInterface
  interface Handler<T> {
    T handle(Response response) throws IOException, RegistryException;
  }

  private final OkHttpClient http;
  private final HttpUrl base;
  private final String registryHost;
  private final RegistryAuthorizer authorizer;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Clock clock;
  private final String userAgent;

  RegistryTransport(
      OkHttpClient http,
      HttpUrl base,
      String registryHost,
      RegistryAuthorizer authorizer,
      RetryPolicy retry,
      Sleeper sleeper,
      Clock clock,
      String userAgent) {
    this.http = http;
    this.base = base;
    this.registryHost = registryHost;
    this.authorizer = authorizer;
    this.retry = retry;
    this.sleeper = sleeper;
    this.clock = clock;
    this.userAgent = userAgent;
  }

  /** The registry host as configured, e.g. {@code localhost:5000}. */
  String registryHost() {
    return registryHost;
  }

  /** The retry policy, for operation-level loops (blob download resume). */
  RetryPolicy retryPolicy() {
    return retry;
  }

  /** {@code /v2/<segments…>} on the registry; each segment is path-encoded. */
  HttpUrl.Builder v2() {
    return base.newBuilder().addPathSegment("v2");
  }

  /** {@code /v2/<repository>/<segments…>}; the repository's slashes become path separators. */
  HttpUrl.Builder repo(String repository) {
    HttpUrl.Builder b = v2();
    for (String part : repository.split("/", -1)) {
      b.addPathSegment(part);
    }
    return b;
  }

  /** Sends the exchange and hands its final answer to {@code handler}. */
  <T> T call(Exchange exchange, Handler<T> handler) throws RegistryException {
    boolean challenged = false;
    int attempt = 0;
    while (true) {
      attempt++;
      Request request = buildRequest(exchange);
      Response response;
      try {
        response = http.newCall(request).execute();
      } catch (IOException e) {
        if (!canRetry(exchange, attempt, e)) {
          throw networkFailure(exchange, attempt, e);
        }
        pause(exchange, retry.backoff(attempt), true);
        continue;
      }
      try (response) {
        int code = response.code();
        if (code == 401 && !challenged && isRegistryHost(response.request().url())) {
          challenged = true;
          boolean replay;
          try {
            replay =
                authorizer.onChallenge(response.headers("WWW-Authenticate"), exchange.scopes());
          } catch (IOException e) {
            throw new RegistryException(
                exchange.context() + ": authenticating failed: " + describe(e), e);
          }
          if (replay && exchange.replayable()) {
            attempt--; // the replay after a challenge is not a failure
            continue;
          }
        }
        if (isRetryableStatus(code)) {
          if (exchange.replayable() && attempt < retry.maxAttempts()) {
            Optional<Duration> after = retryAfter(response);
            pause(exchange, after.orElse(retry.backoff(attempt)), after.isEmpty());
            continue;
          }
          throw ErrorResponses.failure(response, exchange, attempt);
        }
        if (!response.isSuccessful() && !exchange.passThrough().contains(code)) {
          throw ErrorResponses.failure(response, exchange, attempt);
        }
        try {
          return handler.handle(response);
        } catch (IOException e) {
          if (!canRetry(exchange, attempt, e)) {
            throw networkFailure(exchange, attempt, e);
          }
        }
      }
      pause(exchange, retry.backoff(attempt), true);
    }
  }

  /** Sleeps through the sleeper, restoring the interrupt flag if interrupted. */
  void pause(Exchange exchange, Duration delay, boolean jitter) throws RegistryException {
    Duration wait = delay;
    if (jitter && !delay.isZero()) {
      long ms = delay.toMillis();
      wait = Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(exchange.context() + ": interrupted while waiting to retry", e);
    }
  }

  private Request buildRequest(Exchange exchange) throws RegistryException {
    Request.Builder b =
        new Request.Builder()
            .url(exchange.url())
            .headers(exchange.headers())
            .header("User-Agent", userAgent)
            .method(exchange.method(), exchange.body());
    if (isRegistryHost(exchange.url())) {
      try {
        authorizer.authorization(exchange.scopes()).ifPresent(v -> b.header("Authorization", v));
      } catch (IOException e) {
        throw new RegistryException(
            exchange.context() + ": obtaining authorization failed: " + describe(e), e);
      }
    }
    return b.build();
  }

  /** True when {@code url} points at the registry itself (same scheme, host and port). */
  boolean isRegistryHost(HttpUrl url) {
    return url.scheme().equals(base.scheme())
        && url.host().equals(base.host())
        && url.port() == base.port();
  }

  private boolean canRetry(Exchange exchange, int attempt, IOException e) {
    return exchange.replayable() && attempt < retry.maxAttempts() && isRetryableIo(e);
  }

  static boolean isRetryableStatus(int code) {
    return code == 408 || code == 429 || code == 500 || code == 502 || code == 503 || code == 504;
  }

  /** Resets, EOF and timeouts are transient; TLS, DNS and interruption are not. */
  static boolean isRetryableIo(IOException e) {
    if (e instanceof SSLException || e instanceof UnknownHostException) {
      return false;
    }
    if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
      return !Thread.currentThread().isInterrupted();
    }
    return true;
  }

  private RegistryException networkFailure(Exchange exchange, int attempts, IOException e) {
    StringBuilder msg = new StringBuilder(exchange.context()).append(": ").append(describe(e));
    if (attempts > 1) {
      msg.append(" (gave up after ").append(attempts).append(" attempts)");
    }
    if (e instanceof SSLException && "https".equals(exchange.url().scheme())) {
      msg.append(
          " (TLS failed: if the registry serves plain HTTP, mark it insecure; if it uses a"
              + " private CA, configure the CA certificate)");
    }
    if (!exchange.replayable() && attempts == 1 && isRetryableIo(e)) {
      msg.append(" (not retried: the request body cannot be sent again)");
    }
    return new RegistryException(msg.toString(), e);
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  /** {@code Retry-After} as delta-seconds or HTTP-date, capped by the policy. */
  Optional<Duration> retryAfter(Response response) {
    return parseRetryAfter(response.header("Retry-After"), clock.instant())
        .map(d -> d.compareTo(retry.maxRetryAfter()) > 0 ? retry.maxRetryAfter() : d);
  }

  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
