package dev.kiln.core.port;

/** Which results a cache export carries layers for (cache-format.md §5). */
public enum CacheExportMode {
  /** Only results whose layers are a prefix of the final result's chain (the default). */
  MIN,
  /** Every non-root result of every stage that took part. */
  MAX
}
