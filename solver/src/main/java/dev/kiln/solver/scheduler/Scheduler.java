package dev.kiln.solver.scheduler;

import dev.kiln.core.graph.Definition;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheManager;
import dev.kiln.solver.cache.CacheRecord;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Solves build graphs: computes every vertex's cache keys, looks them up, and runs what is missing
 * through the {@link OpRunner}, independent vertices in parallel on a bounded pool.
 *
 * <p>Per solve: keys are computed in topological order (definition keys need no execution); a
 * vertex whose every output is found is reported cached. Then, from the requested outputs down,
 * only vertices that are not cached and are needed by something not cached are run, each as soon as
 * its inputs are available. Before running, content-based keys are computed for inputs that allow
 * them and looked up again. The first failure cancels the solve: running ops are interrupted,
 * nothing new starts, and the solve fails with a {@link SolveException} naming the step.
 *
 * <p>Identical vertices (same digest) of concurrent solves on this scheduler are single-flighted:
 * one runs, the others wait for its result. A waiter whose owner was cancelled retries itself.
 *
 * <p>Thread-safe; any number of solves may run at once. {@link #close()} stops the pool.
 */
public final class Scheduler implements AutoCloseable {

  private final OpRunner runner;
  private final KeyFunction keys;
  private final CacheManager cache;
  private final ExecutorService pool;
  private final ConcurrentHashMap<Digest, CompletableFuture<List<CacheRecord>>> inflight =
      new ConcurrentHashMap<>();

  /**
   * Creates a scheduler running at most {@code parallelism} vertices (and key computations) at
   * once, deriving keys with {@code keys}.
   */
  public Scheduler(OpRunner runner, CacheManager cache, int parallelism, KeyFunction keys) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.cache = Objects.requireNonNull(cache, "cache");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    this.pool = Executors.newFixedThreadPool(parallelism, new SolverThreads());
  }

  /** A scheduler with kiln's own keys ({@link KeyFunction#KILN}). */
  public Scheduler(OpRunner runner, CacheManager cache, int parallelism) {
    this(runner, cache, parallelism, KeyFunction.KILN);
  }

  /** Creates a scheduler with one worker per available processor. */
  public Scheduler(OpRunner runner, CacheManager cache) {
    this(runner, cache, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Starts solving {@code definition}. Cancelling the returned future ({@code cancel(true)} or
   * {@code cancel(false)}) cancels the solve: running ops are interrupted, no others start.
   *
   * @return completes with the result, or exceptionally with a {@link SolveException}
   */
  public CompletableFuture<SolveResult> submit(Definition definition, SolveOptions options) {
    SolveRun run = new SolveRun(definition, options, runner, keys, cache.session(), pool, inflight);
    CompletableFuture<SolveResult> done = run.start();
    done.whenComplete(
        (r, e) -> {
          if (done.isCancelled()) {
            run.cancel();
          }
        });
    return done;
  }

  /**
   * Solves {@code definition} and waits for it.
   *
   * @throws SolveException if a step failed
   * @throws InterruptedException if this thread was interrupted; the solve is then cancelled
   */
  public SolveResult solve(Definition definition, SolveOptions options)
      throws SolveException, InterruptedException {
    CompletableFuture<SolveResult> f = submit(definition, options);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SolveException se) {
        throw se;
      }
      if (e.getCause() instanceof CancellationException ce) {
        throw ce;
      }
      throw new IllegalStateException("solve failed unexpectedly", e.getCause());
    }
  }

  /**
   * Stops the worker pool like {@link #close()} and waits up to {@code timeout} for running ops to
   * finish their clean-up (killing processes, removing temporary directories). For a process that
   * is being interrupted (Ctrl-C) and must not leave anything behind.
   *
   * @return true if every op finished in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean closeAndAwait(java.time.Duration timeout) throws InterruptedException {
    pool.shutdownNow();
    return pool.awaitTermination(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Number of solves waiting for the in-flight run of {@code vertex} (for tests). */
  int waiters(Digest vertex) {
    CompletableFuture<List<CacheRecord>> f = inflight.get(vertex);
    return f == null ? 0 : f.getNumberOfDependents();
  }

  /** Stops the worker pool, interrupting running ops. Solves in progress fail. */
  @Override
  public void close() {
    pool.shutdownNow();
  }

  private static final class SolverThreads implements ThreadFactory {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "kiln-solver-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
