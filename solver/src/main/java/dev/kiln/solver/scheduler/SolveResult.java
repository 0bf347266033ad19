package dev.kiln.solver.scheduler;

import dev.kiln.solver.cache.CacheResult;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a successful solve.
 *
 * @param outputs the result of each requested output edge, in the definition's output order
 * @param executed how many vertices were run by the op runner in this solve
 * @param cached how many vertices were found in the cache
 * @param keys the solve's key graph: every vertex that took part with its keys and results, for a
 *     cache exporter
 */
public record SolveResult(List<CacheResult> outputs, int executed, int cached, SolveKeys keys) {

  /** Copies the outputs. */
  public SolveResult {
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(keys, "keys");
  }
}
