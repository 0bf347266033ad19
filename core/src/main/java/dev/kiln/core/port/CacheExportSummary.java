package dev.kiln.core.port;

import dev.kiln.oci.Descriptor;

/**
 * What one cache export did.
 *
 * @param layers distinct layer blobs the cache lists
 * @param uploaded blobs whose bytes were sent
 * @param present blobs the target already had (nothing sent)
 * @param mounted blobs mounted from another repository of the same registry
 * @param bytesUploaded layer bytes sent (configs and manifests not counted)
 * @param manifest the descriptor of the written manifest or index, or null when nothing was
 *     exported (no result with layers)
 */
public record CacheExportSummary(
    int layers, int uploaded, int present, int mounted, long bytesUploaded, Descriptor manifest) {

  /** The summary of an export that had nothing to write. */
  public static CacheExportSummary empty() {
    return new CacheExportSummary(0, 0, 0, 0, 0, null);
  }

  /** True when nothing was written. */
  public boolean skipped() {
    return manifest == null;
  }

  /** One line for the user, e.g. {@code 12 layers: 3 uploaded (4.1 MB), 8 present, 1 mounted}. */
  public String describe() {
    if (skipped()) {
      return "no cache with layers to export";
    }
    return layers
        + " layers: "
        + uploaded
        + " uploaded ("
        + bytesUploaded
        + " bytes), "
        + present
        + " already present, "
        + mounted
        + " mounted";
  }
}
