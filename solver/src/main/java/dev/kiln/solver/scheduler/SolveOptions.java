package dev.kiln.solver.scheduler;

import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.cache.KeyFunction;
import dev.kiln.core.port.ProgressListener;
import java.util.Objects;

/**
 * Options of one solve.
 *
 * @param noCache {@code --no-cache}: do not look anything up in the cache (every needed vertex
 *     runs); results are still saved, as BuildKit does
 * @param progress receives vertex events of this solve
 * @param keys the cache-key formulas of this solve ({@link CacheMaps#KEYS}, kiln's own, unless a
 *     BuildKit-compatible version is chosen, e.g. {@code BuildkitKeys.V0_11}); every key of the
 *     solve, looked up or saved, comes from it
 */
public record SolveOptions(boolean noCache, ProgressListener progress, KeyFunction keys) {

  /** Use the cache with kiln's keys; report nothing. */
  public static final SolveOptions DEFAULT =
      new SolveOptions(false, ProgressListener.NONE, CacheMaps.KEYS);

  /** Requires a listener and a key function. */
  public SolveOptions {
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(keys, "keys");
  }

  /** These options reporting to {@code listener}. */
  public SolveOptions withProgress(ProgressListener listener) {
    return new SolveOptions(noCache, listener, keys);
  }

  /** These options with {@code --no-cache} set as given. */
  public SolveOptions withNoCache(boolean value) {
    return new SolveOptions(value, progress, keys);
  }

  /** These options computing keys with {@code function}. */
  public SolveOptions withKeys(KeyFunction function) {
    return new SolveOptions(noCache, progress, function);
  }
}
