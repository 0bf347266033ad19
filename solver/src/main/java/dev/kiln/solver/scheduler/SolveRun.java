package dev.kiln.solver.scheduler;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.BlobUnavailableException;
import dev.kiln.solver.cache.CacheManager;
import dev.kiln.solver.cache.CacheRecord;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One solve: the state machine behind {@link Scheduler} (BuildKit's edge states, flattened).
 *
 * <p><b>Phase 1</b> (one pool task, topological order): every vertex's definition keys from its
 * inputs' definition keys, looked up. A vertex whose every output has a result is cached.
 *
 * <p><b>Phase 2</b>, demand-driven from the requested outputs. Each vertex has two milestones:
 * <i>keys final</i> and <i>result</i>. A result is demanded of the outputs; a vertex whose result
 * is demanded first needs final keys, and so do the inputs of a vertex whose keys are being
 * finalised. Finalising keys ({@code keyStep}): once every input's keys are final, the keys are
 * recomputed and looked up again if an input's keys changed (a hit gives the result). If that still
 * finds nothing, or the result is demanded, and the op reads content of some inputs, those inputs'
 * results are demanded and the content keys looked up ({@code contentStep}). Only then are the keys
 * final. A vertex whose result is demanded and that has none after that runs ({@code runStep}) once
 * every input has a result. So definition keys are always tried before any content is read, and a
 * vertex under a hit is never run nor materialised: a dependent only needs an input's <i>keys</i>
 * to be found, as in BuildKit.
 *
 * <p><b>Unavailable cache blobs.</b> A result found in a cache may hold only descriptors; its blobs
 * are fetched when a step reads the files. When that fails (a {@link BlobUnavailableException}, or
 * a {@code ContentNotFoundException} of a store without sources, naming a blob of an input's result
 * in the cause chain of a run or a content checksum), the cache forgets every result needing the
 * blob, the inputs whose result holds it lose their result and run instead, and the step is retried
 * once they have new ones. Each vertex is reset at most {@link #MAX_RESETS} times.
 *
 * <p>Nothing blocks a pool thread except the op runner itself, and nothing recurses over the graph
 * (demand walks use explicit stacks). All mutable state is guarded by {@code this}; progress
 * callbacks, cache calls and runner calls happen outside the lock. The solve finishes when no task
 * is active and either every requested output has a result or a failure/cancellation was recorded.
 */
final class SolveRun {

  static final int MAX_RESETS = 2;

  private final Definition def;
  private final SolveOptions options;
  private final ProgressListener progress;
  private final OpRunner runner;
  private final KeyFunction keyFunction;
  private final VertexKeys keyer;
  private final CacheManager cache;
  private final ExecutorService pool;
  private final ConcurrentHashMap<Digest, CompletableFuture<List<CacheRecord>>> inflight;
  private final CancellationToken token = new CancellationToken();
  private final CompletableFuture<SolveResult> done = new CompletableFuture<>();

  private final Map<Digest, SolveNode> nodes = new HashMap<>();
  private final List<SolveNode> order = new ArrayList<>();
  private final Set<Thread> running = new HashSet<>();
  private int active;
  private int executed;
  private int cached;
  private boolean launched;
  private Throwable failure;

  SolveRun(
      Definition def,
      SolveOptions options,
      OpRunner runner,
      KeyFunction keyFunction,
      CacheManager cache,
      ExecutorService pool,
      ConcurrentHashMap<Digest, CompletableFuture<List<CacheRecord>>> inflight) {
    this.def = def;
    this.options = options;
    this.progress = options.progress();
    this.runner = runner;
    this.keyFunction = keyFunction;
    this.keyer = new VertexKeys(keyFunction, cache);
    this.cache = cache;
    this.pool = pool;
    this.inflight = inflight;
  }

  static String displayName(Vertex v) {
    if (!v.metadata().name().isEmpty()) {
      return v.metadata().name();
    }
    String kind = v.op().getClass().getSimpleName().replaceFirst("Op$", "").toLowerCase();
    return kind + " " + v.digest().shortForm();
  }

  CompletableFuture<SolveResult> start() {
    synchronized (this) {
      active++;
    }
    submit(this::planAndLaunch);
    return done;
  }

  /** Cancels the solve (caller cancellation). */
  void cancel() {
    fail(null, new CancellationException("solve cancelled by the caller"));
  }

  // ---- phase 1: definition keys and lookups, topological order -------------------------------

  private void planAndLaunch() {
    SolveNode current = null;
    try {
      for (Vertex v : def.vertices()) {
        token.throwIfCancelled();
        SolveNode n = new SolveNode(v, displayName(v));
        current = n;
        for (Edge e : v.inputs()) {
          n.inputs.add(nodes.get(e.vertex().digest()));
        }
        n.maps = keyFunction.cacheMaps(v, runner, token);
        if (n.maps.isEmpty()) {
          throw new IllegalStateException("the key function returned no cache map");
        }
        n.setKeys(keyer.keys(n, Map.of()));
        n.rootLinks = VertexKeys.noRootLinks(n.keys);
        if (!options.noCache()) {
          VertexKeys.Lookup l = keyer.lookup(n.keys);
          n.keyFound = l.allFound();
          n.rootLinks = l.roots();
          if (l.hit()) {
            n.records = l.best();
            n.keysFinal = true;
            n.fromCache = true;
            synchronized (this) {
              cached++;
            }
            progress.vertexCached(v.digest(), n.name);
          }
        }
        nodes.put(v.digest(), n);
        order.add(n);
      }
      current = null;
      List<Runnable> later = new ArrayList<>();
      synchronized (this) {
        launched = true;
        for (Edge out : def.outputs()) {
          demandResult(nodes.get(out.vertex().digest()), later);
        }
      }
      later.forEach(this::submit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(null, new CancellationException("solve interrupted"));
    } catch (Exception | Error e) {
      fail(current, e);
    } finally {
      taskEnded();
    }
  }

  // ---- demand (under the lock; explicit stacks) ----------------------------------------------

  /** Demands the result of {@code root}: its keys, then its inputs' results if it must run. */
  private void demandResult(SolveNode root, List<Runnable> later) {
    Deque<SolveNode> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      SolveNode n = stack.pop();
      if (n.records != null || n.resultDemanded) {
        continue;
      }
      n.resultDemanded = true;
      if (n.keysFinal) {
        startRun(n, stack, later);
      } else {
        demandKeys(n, later);
        if (mustRun(n)) {
          // Its keys may wait on a content checksum of one input while another branch is idle:
          // the vertex runs anyway, so its inputs' results are demanded now, in parallel.
          new LinkedHashSet<>(n.inputs).forEach(stack::push);
        }
      }
    }
  }

  /**
   * Whether {@code n} must run whatever the content checksums say: an input has no result and a key
   * the cache does not know, and no content key upstream of it can make its key known later.
   */
  private static boolean mustRun(SolveNode n) {
    for (SolveNode in : n.inputs) {
      if (in.records == null && !in.keyFound && !contentUpstream(in)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code root} or a vertex below it has content inputs (memoized, iterative). */
  private static boolean contentUpstream(SolveNode root) {
    Deque<SolveNode> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      SolveNode n = stack.peek();
      if (n.contentUpstream != null) {
        stack.pop();
        continue;
      }
      boolean pending = false;
      boolean any = !n.contentInputs().isEmpty();
      for (SolveNode in : n.inputs) {
        if (in.contentUpstream == null) {
          stack.push(in);
          pending = true;
        } else {
          any |= in.contentUpstream;
        }
      }
      if (!pending) {
        n.contentUpstream = any;
        stack.pop();
      }
    }
    return root.contentUpstream;
  }

  /** Demands final keys of {@code root} and, transitively, of every input that lacks them. */
  private void demandKeys(SolveNode root, List<Runnable> later) {
    Deque<SolveNode> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      SolveNode n = stack.pop();
      if (n.keysFinal || n.keyDemanded) {
        continue;
      }
      n.keyDemanded = true;
      for (SolveNode in : new LinkedHashSet<>(n.inputs)) {
        if (!in.keysFinal) {
          in.keyWaiters.add(n);
          n.pendingKeys++;
          stack.push(in);
        }
      }
      if (n.pendingKeys == 0) {
        keysReady(n, later);
      }
    }
  }

  /**
   * Every input of {@code first} has final keys: finalises them here when there is nothing to look
   * up or read (no input's keys changed, no content to checksum — most vertices of a cold build),
   * otherwise schedules {@link #keyStep}.
   */
  private void keysReady(SolveNode first, List<Runnable> later) {
    Deque<SolveNode> ready = new ArrayDeque<>();
    ready.push(first);
    settle(ready, later);
  }

  /** {@link #keysReady} for each node of {@code ready}; iterative, as finalising wakes waiters. */
  private void settle(Deque<SolveNode> ready, List<Runnable> later) {
    while (!ready.isEmpty()) {
      SolveNode n = ready.pop();
      boolean trivial =
          !n.inputsChanged() && (n.contentInputs().isEmpty() || n.keyFound && !n.resultDemanded);
      if (trivial) {
        markFinal(n, ready, later);
      } else {
        schedule(() -> keyStep(n), later);
      }
    }
  }

  /** Marks the keys final, wakes key waiters and, if the result is demanded, moves on to it. */
  private void keysDone(SolveNode n, List<Runnable> later) {
    Deque<SolveNode> ready = new ArrayDeque<>();
    markFinal(n, ready, later);
    settle(ready, later);
  }

  private void markFinal(SolveNode n, Deque<SolveNode> ready, List<Runnable> later) {
    if (!n.keysFinal) {
      n.keysFinal = true;
      for (SolveNode w : n.keyWaiters) {
        if (--w.pendingKeys == 0) {
          ready.push(w);
        }
      }
      n.keyWaiters.clear();
    }
    if (n.resultDemanded && n.records == null) {
      Deque<SolveNode> stack = new ArrayDeque<>();
      startRun(n, stack, later);
      drainDemands(stack, later);
    }
  }

  /**
   * For a vertex with final keys and a demanded result: tries content keys first if not done yet,
   * else waits for every input's result, then runs. Inputs to demand are pushed on {@code stack}.
   */
  private void startRun(SolveNode n, Deque<SolveNode> stack, List<Runnable> later) {
    if (n.records != null || n.running) {
      return;
    }
    if (!n.contentTried && !n.contentInputs().isEmpty()) {
      n.contentTried = true;
      // A content key can only hit when every input's key is known to the cache. When one is not,
      // the vertex runs anyway: demand every input now, so that independent branches (the stages
      // of two COPY --from) run in parallel instead of one after the other.
      awaitResults(
          n, mustRun(n) ? n.inputs : n.contentInputs(), () -> contentStep(n), stack, later);
      return;
    }
    n.running = true;
    awaitResults(n, n.inputs, () -> runStep(n), stack, later);
  }

  private void awaitResults(
      SolveNode n,
      List<SolveNode> ins,
      Runnable then,
      Deque<SolveNode> stack,
      List<Runnable> later) {
    n.pendingResults = 0;
    for (SolveNode in : new LinkedHashSet<>(ins)) {
      if (in.records == null) {
        in.resultWaiters.add(n);
        n.pendingResults++;
        stack.push(in);
      }
    }
    if (n.pendingResults == 0) {
      schedule(then, later);
    } else {
      n.afterInputs = then;
    }
  }

  private void drainDemands(Deque<SolveNode> stack, List<Runnable> later) {
    while (!stack.isEmpty()) {
      demandResult(stack.pop(), later);
    }
  }

  /** Publishes a result: final keys, and wakes everything waiting for it. */
  private void resultKnown(SolveNode n, List<CacheRecord> records, List<Runnable> later) {
    n.records = records;
    keysDone(n, later);
    for (SolveNode w : n.resultWaiters) {
      if (--w.pendingResults == 0 && w.afterInputs != null) {
        Runnable r = w.afterInputs;
        w.afterInputs = null;
        schedule(r, later);
      }
    }
    n.resultWaiters.clear();
  }

  private void schedule(Runnable task, List<Runnable> later) {
    active++;
    later.add(task);
  }

  // ---- phase 2 tasks ---------------------------------------------------------------------------

  /** Keys from the inputs' final keys, looked up again if they changed; then content or done. */
  private void keyStep(SolveNode n) {
    task(
        n,
        later -> {
          boolean changed;
          synchronized (this) {
            changed = n.inputsChanged();
          }
          if (changed && rekey(n, Map.of(), later)) {
            return;
          }
          synchronized (this) {
            if (!n.contentInputs().isEmpty() && (!n.keyFound || n.resultDemanded)) {
              n.contentTried = true;
              Deque<SolveNode> stack = new ArrayDeque<>();
              awaitResults(n, n.contentInputs(), () -> contentStep(n), stack, later);
              drainDemands(stack, later);
            } else {
              keysDone(n, later);
            }
          }
        });
  }

  /** A step run as a pool task: failures fail the solve; scheduled follow-ups are submitted. */
  private void task(SolveNode n, Step step) {
    List<Runnable> later = new ArrayList<>();
    try {
      if (!token.isCancelled()) {
        step.run(later);
      }
    } catch (Exception | Error e) {
      fail(n, e);
    } finally {
      later.forEach(this::submit);
      taskEnded();
    }
  }

  /** The body of a {@link #task}; adds follow-up tasks to {@code later}. */
  private interface Step {
    void run(List<Runnable> later) throws Exception;
  }

  /**
   * New keys from the inputs' current keys plus {@code content}, looked up: true when every output
   * hit (the result is then published).
   */
  private boolean rekey(SolveNode n, Map<Integer, CacheKey> content, List<Runnable> later)
      throws IOException {
    synchronized (this) {
      n.setKeys(keyer.keys(n, content));
      n.keysChanged = true;
    }
    if (options.noCache()) {
      return false;
    }
    VertexKeys.Lookup l = keyer.lookup(n.keys);
    synchronized (this) {
      n.keyFound = l.allFound();
      n.rootLinks = l.roots();
    }
    if (!l.hit()) {
      return false;
    }
    hit(n, l, later);
    return true;
  }

  /** Content keys of the inputs that allow them, looked up; then the keys are final. */
  private void contentStep(SolveNode n) {
    task(
        n,
        later -> {
          Map<Integer, CacheKey> content;
          try {
            content = contentKeys(n);
          } catch (Exception e) {
            if (recover(n, e, false, later)) {
              return;
            }
            throw e;
          }
          if (!content.isEmpty() && rekey(n, content, later)) {
            return;
          }
          synchronized (this) {
            keysDone(n, later);
          }
        });
  }

  private Map<Integer, CacheKey> contentKeys(SolveNode n) throws Exception {
    Map<Integer, CacheKey> content = new HashMap<>();
    // Image sources have several maps but no inputs; ops with inputs have exactly one map.
    CacheMap map = n.maps.get(0);
    for (int i = 0; i < map.inputs().size(); i++) {
      ContentSelection sel = map.inputs().get(i).content();
      // a map input reads vertex input `edge` (BuildKit's formulas renumber inputs)
      int edge = map.inputs().get(i).edge();
      if (sel != null) {
        CacheResult input;
        synchronized (this) {
          input = n.inputResult(edge);
        }
        Optional<Digest> c = keyFunction.contentChecksum(n.vertex, edge, input, sel, runner, token);
        if (c.isPresent()) {
          content.put(i, keyFunction.contentKey(c.get()));
        }
      }
    }
    return content;
  }

  /** A hit after phase 1: saved under the new keys (same time), reported cached, published. */
  private void hit(SolveNode n, VertexKeys.Lookup l, List<Runnable> later) throws IOException {
    List<CacheRecord> records = new ArrayList<>();
    for (int o = 0; o < n.keys.size(); o++) {
      CacheRecord r = l.best().get(o);
      // Links the new keys (content alternatives, changed inputs) to the record, keeping its time.
      for (CacheKey k : n.keys.get(o)) {
        r = cache.save(k, r.result(), r.createdAt());
      }
      records.add(r);
    }
    synchronized (this) {
      if (failure != null) {
        return;
      }
      n.fromCache = true;
      cached++;
    }
    progress.vertexCached(n.vertex.digest(), n.name);
    synchronized (this) {
      resultKnown(n, records, later);
    }
  }

  private void runStep(SolveNode n) {
    List<Runnable> later = new ArrayList<>();
    try {
      if (token.isCancelled()) {
        return;
      }
      CompletableFuture<List<CacheRecord>> mine = new CompletableFuture<>();
      CompletableFuture<List<CacheRecord>> owner = inflight.putIfAbsent(n.vertex.digest(), mine);
      if (owner != null) {
        join(n, owner);
        return;
      }
      try {
        List<CacheRecord> records = run(n);
        mine.complete(records);
        synchronized (this) {
          executed++;
        }
        progress.vertexCompleted(n.vertex.digest(), n.name);
        options.results().made(n.vertex, records.stream().map(CacheRecord::result).toList());
        synchronized (this) {
          if (failure == null) {
            resultKnown(n, records, later);
          }
        }
      } catch (InterruptedException | CancellationException e) {
        mine.completeExceptionally(new CancellationException("cancelled"));
        progress.vertexFailed(n.vertex.digest(), n.name, "cancelled");
        if (!token.isCancelled()) {
          fail(n, e);
        }
      } catch (Exception | Error e) {
        if (e instanceof Exception ex && recover(n, ex, true, later)) {
          // Waiters of this run retry on their own, as after a cancelled owner.
          mine.completeExceptionally(new CancellationException("inputs are rebuilt"));
          return;
        }
        mine.completeExceptionally(e);
        progress.vertexFailed(n.vertex.digest(), n.name, oneLine(e));
        fail(n, e);
      } finally {
        // Drop the entry whatever happened: a failure must be retryable; a result is in the cache.
        inflight.remove(n.vertex.digest(), mine);
      }
    } finally {
      later.forEach(this::submit);
      taskEnded();
    }
  }

  private List<CacheRecord> run(SolveNode n) throws Exception {
    progress.vertexStarted(n.vertex.digest(), n.name);
    List<CacheResult> inputs = new ArrayList<>();
    List<List<CacheKey>> keys;
    synchronized (this) {
      for (int i = 0; i < n.inputs.size(); i++) {
        inputs.add(n.inputResult(i));
      }
      keys = n.keys;
    }
    token.throwIfCancelled();
    List<CacheResult> results = runner.run(n.vertex, List.copyOf(inputs), token);
    if (results == null || results.size() != n.vertex.op().outputCount()) {
      throw new IllegalStateException(
          "the op runner returned "
              + (results == null ? "no" : results.size())
              + " result(s) for "
              + n.vertex.op().outputCount()
              + " output(s)");
    }
    List<CacheRecord> records = new ArrayList<>();
    for (int o = 0; o < keys.size(); o++) {
      CacheRecord r = null;
      for (CacheKey k : keys.get(o)) {
        // The first save fixes the time; the others link their keys to the same result.
        r = cache.save(k, results.get(o), r == null ? null : r.createdAt());
      }
      records.add(r);
    }
    return records;
  }

  /**
   * Waits (without blocking a thread) for another solve running the same vertex; counts as an
   * active task until the owner finishes.
   */
  private void join(SolveNode n, CompletableFuture<List<CacheRecord>> owner) {
    synchronized (this) {
      active++;
    }
    owner.whenComplete(
        (records, e) -> {
          List<Runnable> later = new ArrayList<>();
          try {
            if (e == null) {
              synchronized (this) {
                if (failure == null) {
                  resultKnown(n, records, later);
                }
              }
            } else if (token.isCancelled()) {
              return;
            } else if (e instanceof CancellationException
                || e.getCause() instanceof CancellationException) {
              // The owner's solve was cancelled, not the vertex: run it ourselves.
              synchronized (this) {
                schedule(() -> runStep(n), later);
              }
            } else {
              fail(n, e instanceof CompletionException ? e.getCause() : e);
            }
          } finally {
            later.forEach(this::submit);
            taskEnded();
          }
        });
  }

  // ---- unavailable cache blobs -----------------------------------------------------------------

  /**
   * Handles a failure of {@code n} caused by a cache blob that cannot be fetched: the cache forgets
   * every result needing it, the inputs holding it run again, and {@code n} retries its run (or
   * content step) once they have new results.
   *
   * @return false when this is not such a failure or it cannot be recovered (then the caller fails
   *     the solve)
   */
  private boolean recover(SolveNode n, Exception e, boolean run, List<Runnable> later) {
    Digest missing = BlobUnavailableException.missingBlob(e);
    if (missing == null) {
      return false;
    }
    try {
      cache.drop(missing);
    } catch (IOException io) {
      e.addSuppressed(io);
      return false;
    }
    List<SolveNode> culprits = new ArrayList<>();
    synchronized (this) {
      if (failure != null) {
        return true;
      }
      for (SolveNode in : new LinkedHashSet<>(n.inputs)) {
        if (in.records != null && in.holds(missing)) {
          if (in.resets >= MAX_RESETS) {
            return false;
          }
          culprits.add(in);
        }
      }
      if (culprits.isEmpty()) {
        return false;
      }
      for (SolveNode in : culprits) {
        in.resets++;
        in.records = null;
        in.running = false;
        in.resultDemanded = false;
        if (in.fromCache) {
          in.fromCache = false;
          cached--;
        }
      }
      Deque<SolveNode> stack = new ArrayDeque<>();
      if (run) {
        awaitResults(n, n.inputs, () -> runStep(n), stack, later);
      } else {
        awaitResults(n, n.contentInputs(), () -> contentStep(n), stack, later);
      }
      drainDemands(stack, later);
    }
    for (SolveNode in : culprits) {
      progress.log(
          in.vertex.digest(),
          ProgressListener.LogStream.STDERR,
          "cached result unusable (" + oneLine(e) + "); running the step again");
    }
    return true;
  }

  // ---- bookkeeping -----------------------------------------------------------------------------

  private void submit(Runnable task) {
    try {
      pool.execute(
          () -> {
            synchronized (this) {
              running.add(Thread.currentThread());
            }
            try {
              task.run();
            } finally {
              synchronized (this) {
                running.remove(Thread.currentThread());
                // An interrupt aimed at this task must not leak into the pool's next task.
                Thread.interrupted();
              }
            }
          });
    } catch (RejectedExecutionException e) {
      fail(null, new CancellationException("the scheduler was closed"));
      taskEnded();
    }
  }

  private void taskEnded() {
    synchronized (this) {
      active--;
    }
    maybeFinish();
  }

  /** Records the first failure, cancels the token and interrupts every running task. */
  private void fail(SolveNode n, Throwable cause) {
    List<Thread> toInterrupt;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure =
          n == null || cause instanceof CancellationException
              ? cause
              : new SolveException(n.vertex.digest(), n.name, cause);
      toInterrupt = new ArrayList<>(running);
    }
    // Cancel the token before interrupting, so an op that wakes from the interrupt already sees
    // that the solve is cancelled.
    token.cancel();
    for (Thread t : toInterrupt) {
      if (t != Thread.currentThread()) {
        t.interrupt();
      }
    }
    maybeFinish();
  }

  private void maybeFinish() {
    SolveResult result = null;
    Throwable error;
    synchronized (this) {
      if (active > 0 || done.isDone() || !launched && failure == null) {
        return;
      }
      error = failure;
      if (error == null) {
        List<CacheResult> outs = new ArrayList<>();
        for (Edge e : def.outputs()) {
          SolveNode n = nodes.get(e.vertex().digest());
          if (n.records == null) {
            // No task left and an output without a result: a bug, never a hang.
            error = new IllegalStateException("the solve stalled before '" + n.name + "'");
            break;
          }
          outs.add(n.records.get(e.output()).result());
        }
        if (error == null) {
          result = new SolveResult(outs, executed, cached, SolveNode.solveKeys(order, def, nodes));
        }
      }
    }
    if (error != null) {
      done.completeExceptionally(error);
    } else {
      done.complete(result);
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
