package dev.kiln.core.cache.remote;

/** Descriptor annotation keys of cache layers (cache-format.md §3.2). */
public final class CacheAnnotations {

  private CacheAnnotations() {}

  /** The layer's diffID (digest of the uncompressed tar); BuildKit requires it on import. */
  public static final String UNCOMPRESSED = "containerd.io/uncompressed";

  /** The layer's creation time, RFC 3339 with nanoseconds. */
  public static final String CREATED_AT = "buildkit/createdat";

  /**
   * The {@code SOURCE_DATE_EPOCH} (decimal seconds) the layer's mtimes were clamped to when its tar
   * was written (BuildKit's {@code rewrite-timestamp}); absent when none was.
   */
  public static final String REWRITTEN_TIMESTAMP = "buildkit/rewritten-timestamp";

  /**
   * Prefix of {@code containerd.io/distribution.source.<registry-host>}: comma-separated
   * repositories of that registry the blob can be fetched or mounted from.
   */
  public static final String DISTRIBUTION_SOURCE_PREFIX = "containerd.io/distribution.source.";

  /**
   * Where a layer of an imported cache can be fetched or mounted from, as {@code
   * registry/repository} (the form of {@code ExportLayer.origin}), read from the first {@code
   * containerd.io/distribution.source.<host>} annotation; null when it has none.
   */
  public static String origin(dev.kiln.oci.Descriptor layer) {
    for (java.util.Map.Entry<String, String> e :
        new java.util.TreeMap<>(layer.annotations()).entrySet()) {
      if (e.getKey().startsWith(DISTRIBUTION_SOURCE_PREFIX) && !e.getValue().isEmpty()) {
        String host = e.getKey().substring(DISTRIBUTION_SOURCE_PREFIX.length());
        String repo = e.getValue().split(",")[0];
        // BuildKit v0.11 also wrote "…distribution.source.ref" = a whole reference: not a host
        boolean isHost = host.contains(".") || host.contains(":") || host.equals("localhost");
        if (isHost && !repo.isEmpty() && !repo.contains(":")) {
          return host + "/" + repo;
        }
      }
    }
    return null;
  }
}
