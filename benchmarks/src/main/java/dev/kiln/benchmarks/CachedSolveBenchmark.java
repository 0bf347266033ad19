package dev.kiln.benchmarks;

import dev.kiln.core.graph.Definition;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 3's limit: a fully cached graph of 10k toy vertices solves in under 2 s. The cache is
 * filled once per trial in a temp root, then every measured solve finds all vertices CACHED and
 * runs nothing. Also measures a fresh cache manager opening the persisted journal (a second `kiln
 * build` pays that too).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
@State(Scope.Benchmark)
public class CachedSolveBenchmark {

  @Param({"chain", "fanin"})
  public String shape;

  @Param({"10000"})
  public int vertices;

  private Path root;
  private Definition definition;
  private LocalCacheManager cache;
  private Scheduler scheduler;

  @Setup(Level.Trial)
  public void fill() throws Exception {
    root = Files.createTempDirectory("kiln-bench-cache");
    definition = shape.equals("chain") ? ToyGraphs.chain(vertices) : ToyGraphs.fanIn(vertices);
    try (LocalCacheManager cold = LocalCacheManager.open(root);
        Scheduler s = new Scheduler(new ToyGraphs.Runner(), cold)) {
      s.solve(definition, SolveOptions.DEFAULT);
    }
    cache = LocalCacheManager.open(root);
    scheduler = new Scheduler(new ToyGraphs.Runner(), cache);
  }

  @TearDown(Level.Trial)
  public void clean() throws Exception {
    scheduler.close();
    cache.close();
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Solve of the fully cached graph with an already open cache manager. */
  @Benchmark
  public SolveResult solveCached() throws Exception {
    SolveResult r = scheduler.solve(definition, SolveOptions.DEFAULT);
    if (r.executed() != 0) {
      throw new IllegalStateException("expected a fully cached solve, ran " + r.executed());
    }
    return r;
  }

  /** Opening the persisted cache (journal replay) plus the cached solve: what a rebuild pays. */
  @Benchmark
  public SolveResult openAndSolveCached() throws Exception {
    try (LocalCacheManager fresh = LocalCacheManager.open(root);
        Scheduler s = new Scheduler(new ToyGraphs.Runner(), fresh)) {
      return s.solve(definition, SolveOptions.DEFAULT);
    }
  }
}
