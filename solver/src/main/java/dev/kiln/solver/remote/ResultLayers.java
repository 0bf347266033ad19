package dev.kiln.solver.remote;

import dev.kiln.core.port.BlobTap;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of a result as a cache export wants them: the one place the exporter asks the worker
 * "the layers of result R in compression X" ({@link WorkerResultLayers}: the worker's blob
 * variants, made only when asked).
 *
 * <p>Contract: one layer per layer of the result, bottom first, each with its diffID; layers this
 * build made are in {@code options.compression()} (at its level); layers that exist elsewhere
 * (base-image and imported layers, which carry an origin) keep theirs unless {@code
 * options.forceCompression()}. The same result and options give the same layers every time (so an
 * unchanged build exports the same bytes). A layer may carry {@code buildkit/createdat} in its
 * descriptor annotations; the exporter then keeps it. Thread-safe.
 */
public interface ResultLayers {

  /**
   * The layers of {@code result}.
   *
   * @throws IOException if a layer cannot be described or converted (the message names it)
   */
  List<ExportLayer> layers(CacheResult result, CacheExportOptions options) throws IOException;

  /**
   * Makes ahead, together, the layers that {@link #layers} will be asked for for {@code results},
   * so that several are compressed at once; {@link #layers} then finds them made. The default does
   * nothing (each is made when asked).
   *
   * @throws IOException if a layer cannot be made (the message names it)
   */
  default void prepare(List<CacheResult> results, CacheExportOptions options) throws IOException {}

  /**
   * {@link #prepare(List, CacheExportOptions)}, telling {@code tap} (null for none) of each blob as
   * its writing begins. The default ignores the tap.
   *
   * @throws IOException if a layer cannot be made (the message names it)
   */
  default void prepare(List<CacheResult> results, CacheExportOptions options, BlobTap tap)
      throws IOException {
    prepare(results, options);
  }

  /**
   * What identifies each layer of {@code result}, bottom first, without making any blob: two
   * results share a layer exactly when they share its identity at that position (so an exporter can
   * tell a prefix of another result's chain, or the top layer of a result, before asking for
   * blobs). Empty for a result without layers. The default is the digests of the result's layer
   * descriptors, for results that carry them.
   *
   * @throws IOException if the result's layers cannot be told (e.g. its snapshot is gone)
   */
  default List<String> identities(CacheResult result) throws IOException {
    List<String> out = new ArrayList<>();
    for (Descriptor d : result.layers()) {
      out.add(d.digest().toString());
    }
    return out;
  }
}
