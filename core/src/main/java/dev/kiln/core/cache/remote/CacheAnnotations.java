package dev.kiln.core.cache.remote;

/** Descriptor annotation keys of cache layers (cache-format.md §3.2). */
public final class CacheAnnotations {

  private CacheAnnotations() {}

  /** The layer's diffID (digest of the uncompressed tar); BuildKit requires it on import. */
  public static final String UNCOMPRESSED = "containerd.io/uncompressed";

  /** The layer's creation time, RFC 3339 with nanoseconds. */
  public static final String CREATED_AT = "buildkit/createdat";

  /**
   * Prefix of {@code containerd.io/distribution.source.<registry-host>}: comma-separated
   * repositories of that registry the blob can be fetched or mounted from.
   */
  public static final String DISTRIBUTION_SOURCE_PREFIX = "containerd.io/distribution.source.";
}
