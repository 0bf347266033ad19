package dev.kiln.solver.scheduler;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.KeyWalk;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheManager;
import dev.kiln.solver.cache.CacheResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One solve: the state machine behind {@link Scheduler}. Phase 1 (one pool task) computes keys and
 * looks them up in topological order; phase 2 runs the needed, uncached vertices as pool tasks,
 * each submitted when its last needed input completes. Nothing blocks a pool thread except the op
 * runner itself, and nothing recurses over the graph.
 *
 * <p>All mutable state is guarded by {@code this}; progress callbacks and runner calls happen
 * outside the lock. The solve finishes when no task is active and either every needed vertex is
 * done or a failure/cancellation was recorded.
 */
final class SolveRun {

  private final Definition def;
  private final SolveOptions options;
  private final ProgressListener progress;
  private final OpRunner runner;
  private final CacheManager cache;
  private final ExecutorService pool;
  private final ConcurrentHashMap<Digest, CompletableFuture<List<CacheResult>>> inflight;
  private final CancellationToken token = new CancellationToken();
  private final CompletableFuture<SolveResult> done = new CompletableFuture<>();

  private final Map<Digest, Node> nodes = new HashMap<>();
  private final Set<Thread> running = new HashSet<>();
  private int active;
  private int remaining;
  private int executed;
  private int cached;
  private Throwable failure;

  /** Per-vertex state. {@code keys.get(o)} are the alternative keys of output {@code o}. */
  private static final class Node {
    final Vertex vertex;
    final String name;
    final List<Node> inputs = new ArrayList<>();
    final List<Node> dependents = new ArrayList<>();
    List<CacheMap> maps;
    List<List<CacheKey>> keys;
    List<CacheResult> results;
    int pending;

    /** Keys recomputed in phase 2 with content keys (own or an input's): worth a new lookup. */
    boolean rekeyed;

    Node(Vertex vertex) {
      this.vertex = vertex;
      this.name = displayName(vertex);
    }
  }

  SolveRun(
      Definition def,
      SolveOptions options,
      OpRunner runner,
      CacheManager cache,
      ExecutorService pool,
      ConcurrentHashMap<Digest, CompletableFuture<List<CacheResult>>> inflight) {
    this.def = def;
    this.options = options;
    this.progress = options.progress();
    this.runner = runner;
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

  // ---- phase 1: keys and lookups, topological order ------------------------------------------

  private void planAndLaunch() {
    Node current = null;
    try {
      for (Vertex v : def.vertices()) {
        token.throwIfCancelled();
        Node n = new Node(v);
        current = n;
        for (Edge e : v.inputs()) {
          n.inputs.add(nodes.get(e.vertex().digest()));
        }
        n.maps = runner.cacheMaps(v, options.keys(), token);
        if (n.maps.isEmpty()) {
          throw new IllegalStateException("the op runner returned no cache map");
        }
        n.keys = keys(n, Map.of());
        if (!options.noCache()) {
          n.results = lookup(n.keys);
          if (n.results != null) {
            synchronized (this) {
              cached++;
            }
            progress.vertexCached(v.digest(), n.name);
          }
        }
        nodes.put(v.digest(), n);
      }
      current = null;
      launch();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(null, new CancellationException("solve interrupted"));
    } catch (Exception | Error e) {
      fail(current, e);
    } finally {
      taskEnded();
    }
  }

  /** Keys of every output; {@code content} adds a content key as an alternative for some inputs. */
  private static List<List<CacheKey>> keys(Node n, Map<Integer, CacheKey> content) {
    List<Edge> edges = n.vertex.inputs();
    return KeyWalk.keys(
        n.vertex, n.maps, i -> n.inputs.get(i).keys.get(edges.get(i).output()), content);
  }

  /** The results of all outputs if every output has a cached result under some alternative key. */
  private List<CacheResult> lookup(List<List<CacheKey>> keys) throws java.io.IOException {
    List<CacheResult> found = new ArrayList<>();
    for (List<CacheKey> alternatives : keys) {
      Optional<CacheResult> hit = Optional.empty();
      for (int a = 0; a < alternatives.size() && hit.isEmpty(); a++) {
        hit = cache.query(alternatives.get(a));
      }
      if (hit.isEmpty()) {
        return null;
      }
      found.add(hit.get());
    }
    return found;
  }

  /** Marks what the outputs need (stopping at cached vertices) and submits the ready ones. */
  private void launch() {
    List<Node> ready = new ArrayList<>();
    synchronized (this) {
      Set<Node> needed = new HashSet<>();
      Deque<Node> stack = new ArrayDeque<>();
      for (Edge out : def.outputs()) {
        stack.push(nodes.get(out.vertex().digest()));
      }
      while (!stack.isEmpty()) {
        Node n = stack.pop();
        if (n.results != null || !needed.add(n)) {
          continue;
        }
        Set<Node> distinct = new HashSet<>();
        for (Node in : n.inputs) {
          if (in.results == null && distinct.add(in)) {
            in.dependents.add(n);
            n.pending++;
            stack.push(in);
          }
        }
      }
      remaining = needed.size();
      for (Node n : needed) {
        if (n.pending == 0) {
          ready.add(n);
        }
      }
      active += ready.size();
    }
    ready.forEach(n -> submit(() -> execute(n)));
  }

  // ---- phase 2: running vertices ---------------------------------------------------------------

  private void execute(Node n) {
    try {
      if (token.isCancelled()) {
        return;
      }
      CompletableFuture<List<CacheResult>> mine = new CompletableFuture<>();
      CompletableFuture<List<CacheResult>> owner = inflight.putIfAbsent(n.vertex.digest(), mine);
      if (owner != null) {
        join(n, owner);
        return;
      }
      try {
        List<CacheResult> results = runOrFindBySlowKey(n);
        mine.complete(results);
        succeeded(n, results);
      } catch (InterruptedException | CancellationException e) {
        mine.completeExceptionally(new CancellationException("cancelled"));
        progress.vertexFailed(n.vertex.digest(), n.name, "cancelled");
        if (!token.isCancelled()) {
          fail(n, e);
        }
      } catch (Exception | Error e) {
        mine.completeExceptionally(e);
        progress.vertexFailed(n.vertex.digest(), n.name, oneLine(e));
        fail(n, e);
      } finally {
        // Drop the entry whatever happened: a failure must be retryable; a result is in the cache.
        inflight.remove(n.vertex.digest(), mine);
      }
    } finally {
      taskEnded();
    }
  }

  /** Waits (without blocking a thread) for another solve running the same vertex. */
  private void join(Node n, CompletableFuture<List<CacheResult>> owner) {
    owner.whenComplete(
        (results, e) -> {
          if (e == null) {
            succeeded(n, results);
          } else if (token.isCancelled()) {
            return;
          } else if (e instanceof CancellationException
              || e.getCause() instanceof CancellationException) {
            // The owner's solve was cancelled, not the vertex: run it ourselves.
            synchronized (this) {
              active++;
            }
            submit(() -> execute(n));
          } else {
            fail(n, e instanceof java.util.concurrent.CompletionException ? e.getCause() : e);
          }
        });
  }

  private List<CacheResult> runOrFindBySlowKey(Node n) throws Exception {
    progress.vertexStarted(n.vertex.digest(), n.name);
    List<CacheResult> inputs = new ArrayList<>();
    for (int i = 0; i < n.inputs.size(); i++) {
      inputs.add(n.inputs.get(i).results.get(n.vertex.inputs().get(i).output()));
    }
    // Keys again, now from the inputs' final keys: an input found through its content key carries
    // that key, under which this vertex's earlier record is linked (BuildKit's slow-key chain).
    Map<Integer, CacheKey> content = contentKeys(n, inputs);
    List<List<CacheKey>> keys = keys(n, content);
    n.rekeyed = !content.isEmpty() || inputsRekeyed(n);
    if (!options.noCache() && n.rekeyed) {
      List<CacheResult> hit = lookup(keys);
      if (hit != null) {
        save(keys, hit);
        n.keys = keys;
        synchronized (this) {
          cached++;
        }
        progress.vertexCached(n.vertex.digest(), n.name);
        return hit;
      }
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
    save(keys, results);
    n.keys = keys;
    synchronized (this) {
      executed++;
    }
    progress.vertexCompleted(n.vertex.digest(), n.name);
    return results;
  }

  /** Whether an input's keys changed since phase 1 (it was found or run with content keys). */
  private static boolean inputsRekeyed(Node n) {
    for (Node input : n.inputs) {
      if (input.rekeyed) {
        return true;
      }
    }
    return false;
  }

  private Map<Integer, CacheKey> contentKeys(Node n, List<CacheResult> inputs) throws Exception {
    Map<Integer, CacheKey> content = new HashMap<>();
    // Image sources have several maps but no inputs; ops with inputs have exactly one map.
    CacheMap map = n.maps.get(0);
    for (int i = 0; i < map.inputs().size(); i++) {
      ContentSelection sel = map.inputs().get(i).content();
      int edge = map.inputs().get(i).edge();
      if (sel != null) {
        Optional<Digest> c = runner.contentChecksum(n.vertex, edge, inputs.get(edge), sel, token);
        if (c.isPresent()) {
          content.put(i, CacheKey.content(c.get()));
        }
      }
    }
    return content;
  }

  private void save(List<List<CacheKey>> keys, List<CacheResult> results)
      throws java.io.IOException {
    for (int o = 0; o < keys.size(); o++) {
      for (CacheKey k : keys.get(o)) {
        cache.save(k, results.get(o));
      }
    }
  }

  private void succeeded(Node n, List<CacheResult> results) {
    List<Node> ready = new ArrayList<>();
    synchronized (this) {
      if (failure != null) {
        return;
      }
      n.results = results;
      remaining--;
      for (Node d : n.dependents) {
        if (--d.pending == 0) {
          ready.add(d);
        }
      }
      active += ready.size();
    }
    ready.forEach(d -> submit(() -> execute(d)));
    maybeFinish();
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
  private void fail(Node n, Throwable cause) {
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
      if (active > 0 || done.isDone()) {
        return;
      }
      error = failure;
      if (error == null) {
        if (remaining > 0) {
          return;
        }
        List<CacheResult> outs = new ArrayList<>();
        for (Edge e : def.outputs()) {
          outs.add(nodes.get(e.vertex().digest()).results.get(e.output()));
        }
        result = new SolveResult(outs, executed, cached);
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
