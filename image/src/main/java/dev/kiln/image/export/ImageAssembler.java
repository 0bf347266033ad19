package dev.kiln.image.export;

import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the config and manifest bytes of an {@link ExportableImage}, deterministically: the same
 * input and options give the same bytes, hence the same digests.
 *
 * <p>The config's {@code rootfs} becomes the layers' diff IDs. With a source date epoch, {@code
 * created} becomes the epoch and every history entry newer than the epoch (or unparseable) is
 * clamped to it, as BuildKit does with {@code SOURCE_DATE_EPOCH}. Layer media types are converted
 * to the chosen family (OCI gzip ↔ Docker gzip; the bytes are the same).
 */
final class ImageAssembler {

  private ImageAssembler() {}

  /**
   * The assembled image.
   *
   * @param config the config bytes with descriptor
   * @param manifest the manifest bytes with descriptor
   * @param layers the layer descriptors as written in the manifest
   */
  record Assembled(OciJson.Encoded config, OciJson.Encoded manifest, List<Descriptor> layers) {}

  static Assembled assemble(ExportableImage image, ExportOptions options) {
    boolean oci = options.ociMediaTypes();
    if (!oci && !image.annotations().isEmpty()) {
      throw new IllegalArgumentException(
          "manifest annotations need OCI media types; remove oci-mediatypes=false or the"
              + " annotations");
    }
    List<Descriptor> layers = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (ExportLayer layer : image.layers()) {
      layers.add(convert(layer.blob(), oci));
      diffIds.add(layer.diffId());
    }
    ImageConfig config = image.config().withRootFs(ImageConfig.RootFs.of(diffIds));
    if (options.sourceDateEpoch() != null) {
      config = clamp(config, options.sourceDateEpoch());
    }
    OciJson.Encoded configBlob =
        OciJson.encode(config, oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG);
    ImageManifest manifest =
        oci
            ? ImageManifest.oci(configBlob.descriptor(), layers)
            : ImageManifest.docker(configBlob.descriptor(), layers);
    Map<String, String> annotations = image.annotations();
    if (!annotations.isEmpty()) {
      manifest = manifest.withAnnotations(annotations);
    }
    return new Assembled(configBlob, OciJson.encode(manifest), List.copyOf(layers));
  }

  static Descriptor convert(Descriptor blob, boolean oci) {
    String mt = blob.mediaType();
    if (MediaTypes.isNonDistributable(mt) || MediaTypes.isDocker(mt) != oci) {
      return blob;
    }
    return blob.withMediaType(MediaTypes.layerType(MediaTypes.layerCompression(mt), oci));
  }

  private static ImageConfig clamp(ImageConfig config, Instant epoch) {
    String stamp = epoch.toString();
    List<ImageConfig.History> history = new ArrayList<>();
    for (ImageConfig.History h : config.history()) {
      if (h.created() == null || isAfter(h.created(), epoch)) {
        h =
            new ImageConfig.History(
                stamp, h.createdBy(), h.author(), h.comment(), h.emptyLayer(), h.extra());
      }
      history.add(h);
    }
    return new ImageConfig(
        stamp,
        config.author(),
        config.architecture(),
        config.os(),
        config.osVersion(),
        config.osFeatures(),
        config.variant(),
        config.config(),
        config.rootfs(),
        history,
        config.extra());
  }

  private static boolean isAfter(String rfc3339, Instant epoch) {
    try {
      return OffsetDateTime.parse(rfc3339).toInstant().isAfter(epoch);
    } catch (DateTimeParseException e) {
      return true;
    }
  }
}
