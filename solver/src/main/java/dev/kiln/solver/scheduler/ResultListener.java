package dev.kiln.solver.scheduler;

import dev.kiln.core.graph.Vertex;
import dev.kiln.solver.cache.CacheResult;
import java.util.List;

/**
 * Told of the results a solve makes by running a step (not of cache hits), as soon as they are
 * saved in the cache and before the steps that use them start: an exporter that will need their
 * layers can begin making them while the build goes on. Called on the solve's threads; must not
 * block for long and must not throw.
 */
@FunctionalInterface
public interface ResultListener {

  /** Tells nothing. */
  ResultListener NONE = (vertex, results) -> {};

  /**
   * @param vertex the step that ran
   * @param results its results, one per output
   */
  void made(Vertex vertex, List<CacheResult> results);
}
