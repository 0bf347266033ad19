package dev.kiln.core.port;

import java.io.IOException;

/**
 * Writes a build result somewhere: pushed to a registry, an OCI layout (directory or tar), a
 * docker-archive tar, or the final root filesystem as a plain directory. One instance is configured
 * for one destination (the user's {@code --output} attributes are parsed by the adapter's factory,
 * not here).
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Layer blobs are read from {@code content} by their descriptor digests and must be there
 *       (except for exporters that write only the root filesystem); the store is never modified.
 *   <li>Reproducible: exporting the same {@link ExportableImage} twice gives the same manifest and
 *       config digests (JSON is written canonically; no wall-clock time is added — the config keeps
 *       the {@code created} it was given unless the exporter was configured with a source date
 *       epoch).
 *   <li>The config written has {@code rootfs.diff_ids} equal to the layers' diff IDs, in order.
 *   <li>Errors are {@link IOException}s whose message names the destination and what to do; no
 *       credentials appear in messages. A failed export may leave partial output at a local
 *       destination but never a manifest or tag that points to missing content.
 *   <li>Implementations are thread-safe, but two concurrent exports to the same destination have an
 *       unspecified winner.
 * </ul>
 */
public interface ImageExporter {

  /**
   * Exports {@code image}, reading its layer blobs from {@code content}.
   *
   * @return what was written (digests, names), for display and for the build's metadata file
   * @throws IOException if a blob is missing, the destination cannot be written, or the registry
   *     refuses the push
   */
  ExportResult export(ExportableImage image, ContentStore content) throws IOException;

  /**
   * How this exporter wants the layers of a build result (compression, level, whether base layers
   * are converted too, the mtime clamp), so that the caller can ask its worker for exactly those
   * blobs and nothing is compressed twice. The default is {@link LayerRequest#DEFAULT}.
   */
  default LayerRequest layerRequest() {
    return LayerRequest.DEFAULT;
  }

  /**
   * Whether this exporter reads layers at all; one that writes only the root file system ({@code
   * type=local}) does not, and no blob need be made for it. The default is true.
   */
  default boolean needsLayers() {
    return true;
  }
}
