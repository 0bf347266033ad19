package dev.kiln.solver.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Tells an {@link OpRunner} that its solve was cancelled (by the caller, or because another vertex
 * failed). Runners blocked in interruptible calls are also interrupted; runners doing
 * non-interruptible work (a child process, a socket) register an {@link #onCancel} hook or poll
 * {@link #isCancelled()}. Thread-safe. A token is cancelled at most once and never reset.
 */
public final class CancellationToken {

  private final List<Runnable> hooks = new ArrayList<>();
  private volatile boolean cancelled;

  /** A token that is not cancelled (runners may create their own for tests and tools). */
  public CancellationToken() {}

  /** True once the solve was cancelled. */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Throws if cancelled.
   *
   * @throws CancellationException if {@link #isCancelled()}
   */
  public void throwIfCancelled() {
    if (cancelled) {
      throw new CancellationException("solve cancelled");
    }
  }

  /**
   * Runs {@code hook} once when the token is cancelled, or right away if it already is. Hooks run
   * on the cancelling thread, must be quick and must not throw.
   */
  public void onCancel(Runnable hook) {
    synchronized (hooks) {
      if (!cancelled) {
        hooks.add(hook);
        return;
      }
    }
    hook.run();
  }

  /** Cancels the token and runs the hooks; returns false if it was already cancelled. */
  public boolean cancel() {
    List<Runnable> toRun;
    synchronized (hooks) {
      if (cancelled) {
        return false;
      }
      cancelled = true;
      toRun = List.copyOf(hooks);
      hooks.clear();
    }
    toRun.forEach(Runnable::run);
    return true;
  }
}
