package dev.kiln.image.export;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.LayerCompressor;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.MediaTypes.Compression;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code compression}, {@code compression-level} and {@code force-compression} attributes of an
 * image output, as BuildKit's exporters read them: layers built by this build are written in the
 * requested compression (at the level, when one is given); layers that already exist elsewhere —
 * base image layers, which carry an origin — keep theirs unless {@code force-compression=true}.
 *
 * @param target the compression wanted
 * @param level the level, or null for the algorithm's default
 * @param force whether base image layers are converted too
 * @param compressor does the conversion
 */
record Recompression(Compression target, Integer level, boolean force, LayerCompressor compressor) {

  Recompression {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(compressor, "compressor");
  }

  /**
   * {@code image} with each layer that needs it converted; its blobs are stored in {@code store}.
   */
  ExportableImage apply(ExportableImage image, ContentStore store) throws IOException {
    List<ExportLayer> layers = new ArrayList<>(image.layers());
    List<Integer> positions = new ArrayList<>();
    List<ExportLayer> todo = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      if (wanted(layers.get(i))) {
        positions.add(i);
        todo.add(layers.get(i));
      }
    }
    if (todo.isEmpty()) {
      return image;
    }
    // All at once, so the compressor can work on several layers in parallel.
    List<ExportLayer> converted = compressor.compressAll(todo, target, level, store);
    boolean changed = false;
    for (int j = 0; j < positions.size(); j++) {
      changed |= converted.get(j) != todo.get(j);
      layers.set(positions.get(j), converted.get(j));
    }
    if (!changed) {
      return image;
    }
    return new ExportableImage(image.config(), layers, image.annotations(), image.rootfs());
  }

  private boolean wanted(ExportLayer layer) {
    String mt = layer.blob().mediaType();
    if (MediaTypes.isNonDistributable(mt) || (layer.origin() != null && !force)) {
      return false;
    }
    return MediaTypes.layerCompression(mt) != target || level != null;
  }
}
