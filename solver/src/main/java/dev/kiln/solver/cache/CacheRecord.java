package dev.kiln.solver.cache;

import java.time.Instant;
import java.util.Objects;

/**
 * A result as a cache holds it: the result and when it was first recorded. The time is part of an
 * exported cache ({@code createdAt}); a result saved again unchanged keeps its first time, so
 * exporting an unchanged build twice gives the same bytes.
 *
 * @param result the result
 * @param createdAt when the result was first recorded
 */
public record CacheRecord(CacheResult result, Instant createdAt) {

  /** Requires both. */
  public CacheRecord {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
