package dev.kiln.cli;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.LayerCompressor;
import dev.kiln.oci.MediaTypes;
import java.io.IOException;

/**
 * The exporters' {@link LayerCompressor}, bound to the worker once {@link KilnState} has opened it:
 * the exporters are created (and their attributes checked) before the state under {@code --root} is
 * locked, but converting a layer the worker built means making that layer's variant from its
 * snapshot, so the worker must do it (see {@code LocalWorker.layerCompressor()}). Thread-safe.
 */
final class WorkerCompressor implements LayerCompressor {

  private volatile LayerCompressor delegate;

  /** Routes conversions to {@code compressor} (the open worker's). */
  void bind(LayerCompressor compressor) {
    this.delegate = compressor;
  }

  @Override
  public ExportLayer compress(
      ExportLayer layer, MediaTypes.Compression target, Integer level, ContentStore store)
      throws IOException {
    LayerCompressor d = delegate;
    if (d == null) {
      throw new IOException("no build state is open to convert layer " + layer.blob().digest());
    }
    return d.compress(layer, target, level, store);
  }
}
