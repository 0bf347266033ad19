package dev.kiln.image.export;

import dev.kiln.core.port.LayerRequest;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The attributes every image-writing exporter shares.
 *
 * @param ociMediaTypes OCI media types (true) or Docker schema 2 ones (false)
 * @param sourceDateEpoch the {@code SOURCE_DATE_EPOCH} to stamp the config with, or null
 * @param annotations extra manifest annotations from {@code annotation.KEY=VALUE} attributes
 * @param recompression the layer compression asked for, or null to keep the layers as they are
 */
record ExportOptions(
    boolean ociMediaTypes,
    Instant sourceDateEpoch,
    Map<String, String> annotations,
    Recompression recompression) {

  ExportOptions {
    annotations = Map.copyOf(annotations);
  }

  static ExportOptions defaults(boolean oci) {
    return new ExportOptions(oci, null, Map.of(), null);
  }

  /**
   * {@code image} as every image exporter writes it: layers in the requested compression (their
   * blobs stored in {@code store}) and the output's annotations merged over the image's.
   */
  dev.kiln.core.port.ExportableImage prepare(
      dev.kiln.core.port.ExportableImage image, dev.kiln.core.port.ContentStore store)
      throws java.io.IOException {
    dev.kiln.core.port.ExportableImage recompressed =
        recompression == null ? image : recompression.apply(image, store);
    return new dev.kiln.core.port.ExportableImage(
        recompressed.config(),
        recompressed.layers(),
        mergeAnnotations(recompressed.annotations()),
        recompressed.rootfs());
  }

  /** The layers these options want: the compression asked for (gzip by default) and the clamp. */
  LayerRequest layerRequest() {
    if (recompression == null) {
      return LayerRequest.DEFAULT.withSourceDateEpoch(sourceDateEpoch);
    }
    return new LayerRequest(
        recompression.target(), recompression.level(), recompression.force(), sourceDateEpoch);
  }

  /** {@code image}'s annotations plus these, these winning. */
  Map<String, String> mergeAnnotations(Map<String, String> base) {
    Map<String, String> all = new TreeMap<>(base);
    all.putAll(annotations);
    return all;
  }
}
