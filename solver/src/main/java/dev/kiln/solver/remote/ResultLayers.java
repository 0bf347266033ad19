package dev.kiln.solver.remote;

import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.util.List;

/**
 * The layers of a result as a cache export wants them: the one place the exporter asks the worker
 * "the layers of result R in compression X" (today {@link WorkerResultLayers}; the snapshot-first
 * worker of issue 8 answers it from its blob variants).
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
}
