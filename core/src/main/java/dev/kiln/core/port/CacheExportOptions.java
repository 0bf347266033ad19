package dev.kiln.core.port;

import dev.kiln.oci.MediaTypes;
import java.util.Objects;

/**
 * What the solver needs to know to build the cache chains of a {@link CacheExporter}, and how the
 * caller treats its failure. Parsed by the adapter from the user's attributes.
 *
 * @param mode which results get layers
 * @param compression the compression of layers built for the export (base-image and imported layers
 *     keep theirs unless {@code forceCompression})
 * @param compressionLevel the algorithm's level, or null for its default
 * @param forceCompression convert every layer of every chain to {@code compression}
 * @param ignoreError a failed export is a warning instead of a build failure
 */
public record CacheExportOptions(
    CacheExportMode mode,
    MediaTypes.Compression compression,
    Integer compressionLevel,
    boolean forceCompression,
    boolean ignoreError) {

  /** Requires mode and compression. */
  public CacheExportOptions {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(compression, "compression");
  }

  /** BuildKit's defaults: min, gzip at its default level, not forced, errors fail the build. */
  public static CacheExportOptions defaults() {
    return new CacheExportOptions(
        CacheExportMode.MIN, MediaTypes.Compression.GZIP, null, false, false);
  }
}
