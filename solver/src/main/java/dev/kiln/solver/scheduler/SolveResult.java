package dev.kiln.solver.scheduler;

import dev.kiln.solver.cache.CacheResult;
import java.util.List;

/**
 * The outcome of a successful solve.
 *
 * @param outputs the result of each requested output edge, in the definition's output order
 * @param executed how many vertices were run by the op runner in this solve
 * @param cached how many vertices were found in the cache
 */
public record SolveResult(List<CacheResult> outputs, int executed, int cached) {

  /** Copies the outputs. */
  public SolveResult {
    outputs = List.copyOf(outputs);
  }
}
