package dev.kiln.core.port;

import dev.kiln.oci.ImageConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A build result ready for an {@link ImageExporter}: the image config, the layers bottom first
 * (blobs in a {@link ContentStore}) and manifest annotations, plus, when the solver has one, the
 * directory holding the final root filesystem (for exporters that copy files rather than layers).
 *
 * @param config the image config; its {@code rootfs} is replaced by the layers' diff IDs on export
 * @param layers the layers, bottom first; may be empty (a scratch image)
 * @param annotations manifest annotations (sorted by key on export)
 * @param rootfs the final root filesystem directory, or null when not available
 */
public record ExportableImage(
    ImageConfig config, List<ExportLayer> layers, Map<String, String> annotations, Path rootfs) {

  /** Requires the config; copies the collections. */
  public ExportableImage {
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    annotations =
        annotations == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(annotations)));
  }

  /** An image of a config and layers, without annotations or root filesystem. */
  public static ExportableImage of(ImageConfig config, List<ExportLayer> layers) {
    return new ExportableImage(config, layers, Map.of(), null);
  }

  /** This image with the root filesystem directory set. */
  public ExportableImage withRootfs(Path dir) {
    return new ExportableImage(config, layers, annotations, dir);
  }
}
