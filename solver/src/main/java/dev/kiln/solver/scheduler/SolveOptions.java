package dev.kiln.solver.scheduler;

import dev.kiln.core.port.ProgressListener;
import java.util.Objects;

/**
 * Options of one solve.
 *
 * @param noCache {@code --no-cache}: do not look anything up in the cache (every needed vertex
 *     runs); results are still saved, as BuildKit does
 * @param progress receives vertex events of this solve
 * @param results told of each result made by running a step
 */
public record SolveOptions(boolean noCache, ProgressListener progress, ResultListener results) {

  /** Use the cache; report nothing. */
  public static final SolveOptions DEFAULT =
      new SolveOptions(false, ProgressListener.NONE, ResultListener.NONE);

  /** Requires the listeners. */
  public SolveOptions {
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(results, "results");
  }

  /** These options reporting to {@code listener}. */
  public SolveOptions withProgress(ProgressListener listener) {
    return new SolveOptions(noCache, listener, results);
  }

  /** These options with {@code --no-cache} set as given. */
  public SolveOptions withNoCache(boolean value) {
    return new SolveOptions(value, progress, results);
  }

  /** These options telling {@code listener} of the results made by running steps. */
  public SolveOptions withResults(ResultListener listener) {
    return new SolveOptions(noCache, progress, listener);
  }
}
