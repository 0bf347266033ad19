package dev.kiln.oci.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounded exponential backoff with jitter for transient failures (408, 429, 500, 502, 503, 504,
 * connection resets, EOF, timeouts). Attempt {@code n} (1-based) that failed waits about {@code
 * baseBackoff * 2^(n-1)}, capped at {@code maxBackoff}, randomised between half and the full value;
 * a {@code Retry-After} answer wins over the computed wait but is capped at {@code maxRetryAfter}.
 * Immutable.
 *
 * @param maxAttempts total tries of one request, including the first (1 disables retries)
 * @param baseBackoff the wait after the first failure
 * @param maxBackoff the largest computed wait
 * @param maxRetryAfter the largest wait a server may ask for with {@code Retry-After}
 */
public record RetryPolicy(
    int maxAttempts, Duration baseBackoff, Duration maxBackoff, Duration maxRetryAfter) {

  /** Five attempts, 0.5 s growing to at most 30 s, honouring {@code Retry-After} up to 60 s. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60));

  /** One attempt only. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /** Validates the bounds. */
  public RetryPolicy {
    Objects.requireNonNull(baseBackoff, "baseBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (baseBackoff.isNegative() || maxBackoff.compareTo(baseBackoff) < 0) {
      throw new IllegalArgumentException(
          "backoff must satisfy 0 <= base <= max, got " + baseBackoff + " and " + maxBackoff);
    }
    if (maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("maxRetryAfter must not be negative");
    }
  }

  /** The computed wait after failed attempt {@code attempt} (1-based), before jitter. */
  Duration backoff(int attempt) {
    long base = baseBackoff.toMillis();
    int shift = Math.min(attempt - 1, 30);
    long millis = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }
}
