package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheAttributeException;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.oci.MediaTypes;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The export attributes shared by {@code type=registry} and {@code type=local} (cache-format.md
 * §3.1, §6.1, §10.1): what the solver needs ({@link CacheExportOptions}) and how the manifest is
 * written.
 *
 * @param options mode, compression, level, force-compression, ignore-error
 * @param ociMediaTypes OCI media types (default) or Docker ones
 * @param imageManifest an OCI image manifest whose config is the cache config (default), or an
 *     index / manifest list with the config last
 */
record ExportSettings(CacheExportOptions options, boolean ociMediaTypes, boolean imageManifest) {

  /** The attribute keys parsed here. */
  static final Set<String> KEYS =
      Set.of(
          "mode",
          "compression",
          "compression-level",
          "force-compression",
          "oci-mediatypes",
          "image-manifest",
          "ignore-error");

  /**
   * Parses the shared attributes. Stricter than BuildKit, which falls back to defaults on invalid
   * {@code mode} or booleans: a typo is an error here, never silently another cache.
   */
  static ExportSettings parse(CacheAttributes a) {
    CacheExportMode mode =
        CacheExportMode.valueOf(
            a.choice("mode", "min", List.of("min", "max")).toUpperCase(Locale.ROOT));
    String comp = a.optional("compression");
    if ("estargz".equals(comp)) {
      throw new CacheAttributeException(
          a.flag()
              + ": compression=estargz is not supported by kiln (use gzip, zstd or uncompressed)");
    }
    MediaTypes.Compression compression =
        MediaTypes.Compression.valueOf(
            a.choice("compression", "gzip", List.of("gzip", "zstd", "uncompressed"))
                .toUpperCase(Locale.ROOT));
    Integer level =
        switch (compression) {
          case GZIP -> a.integer("compression-level", 0, 9);
          case ZSTD -> a.integer("compression-level", 1, 22);
          case UNCOMPRESSED -> {
            if (a.has("compression-level")) {
              throw new CacheAttributeException(
                  a.flag() + ": compression-level needs compression=gzip or zstd");
            }
            yield null;
          }
        };
    boolean force = a.bool("force-compression", false, true);
    boolean oci = a.bool("oci-mediatypes", true, true);
    // BuildKit >= v0.22: an unset image-manifest falls back to false with oci-mediatypes=false
    boolean imageManifest = a.bool("image-manifest", oci, true);
    if (imageManifest && !oci) {
      throw new CacheAttributeException(
          a.flag()
              + ": image-manifest=true requires OCI media types (drop oci-mediatypes=false or set"
              + " image-manifest=false)");
    }
    boolean ignoreError = a.bool("ignore-error", false, true);
    return new ExportSettings(
        new CacheExportOptions(mode, compression, level, force, ignoreError), oci, imageManifest);
  }
}
