package dev.kiln.solver.scheduler;

import dev.kiln.core.port.ProgressListener;
import java.util.Objects;

/**
 * Options of one solve.
 *
 * @param noCache {@code --no-cache}: do not look anything up in the cache (every needed vertex
 *     runs); results are still saved, as BuildKit does
 * @param progress receives vertex events of this solve
 */
public record SolveOptions(boolean noCache, ProgressListener progress) {

  /** Use the cache; report nothing. */
  public static final SolveOptions DEFAULT = new SolveOptions(false, ProgressListener.NONE);

  /** Requires a listener. */
  public SolveOptions {
    Objects.requireNonNull(progress, "progress");
  }

  /** These options reporting to {@code listener}. */
  public SolveOptions withProgress(ProgressListener listener) {
    return new SolveOptions(noCache, listener);
  }

  /** These options with {@code --no-cache} set as given. */
  public SolveOptions withNoCache(boolean value) {
    return new SolveOptions(value, progress);
  }
}
