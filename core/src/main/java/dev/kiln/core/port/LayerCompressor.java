package dev.kiln.core.port;

import dev.kiln.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-compresses layer blobs for an export that asks for another compression than the one a layer
 * was written or pulled with ({@code -o …,compression=zstd}). The diff ID never changes: it is the
 * digest of the uncompressed tar.
 *
 * <p>Contract: the result's blob is stored in {@code store} before the method returns; a layer that
 * already has the {@code target} compression and no {@code level} is asked for is returned
 * unchanged; output is deterministic (the same input, target and level give the same bytes); the
 * input is verified while it is read (its stored digest, and its uncompressed bytes against the
 * diff ID), so a corrupt blob fails with an {@link IOException} naming it and nothing is stored.
 * Implementations stream and are thread-safe.
 */
public interface LayerCompressor {

  /**
   * The layer with its blob in {@code target} compression.
   *
   * @param layer the layer, whose blob is in {@code store}
   * @param target the compression wanted
   * @param level the algorithm's level (gzip 0–9, zstd 1–22), or null for its default
   * @param store where the layer's blob is read from and the new blob is written to
   * @return the re-compressed layer (same diff ID, media type of the same flavour — OCI or Docker —
   *     for the new compression, no origin since the blob is new), or {@code layer} itself
   * @throws IOException if the blob is missing or corrupt, or the new one cannot be stored
   */
  ExportLayer compress(
      ExportLayer layer, MediaTypes.Compression target, Integer level, ContentStore store)
      throws IOException;

  /**
   * {@link #compress} of each layer, results in the same order. Implementations may compress
   * several layers at once, within a memory bound of their own; this default does one after the
   * other. The first failure is thrown; blobs already stored stay (they are valid content).
   *
   * @param layers the layers to convert, each as for {@link #compress}
   * @param target the compression wanted
   * @param level the algorithm's level, or null for its default
   * @param store where the blobs are read from and written to
   * @return one result per layer, as {@link #compress} returns it
   * @throws IOException if any layer fails as {@link #compress} would
   */
  default List<ExportLayer> compressAll(
      List<ExportLayer> layers, MediaTypes.Compression target, Integer level, ContentStore store)
      throws IOException {
    List<ExportLayer> out = new ArrayList<>(layers.size());
    for (ExportLayer layer : layers) {
      out.add(compress(layer, target, level, store));
    }
    return out;
  }
}
