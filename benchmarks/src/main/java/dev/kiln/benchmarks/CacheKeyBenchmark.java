package dev.kiln.benchmarks;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Vertex;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 3's limit: computing cache keys for a 10k-vertex graph in under 0.5 s. Measures the per-op
 * cache maps (op digests and selectors) over every vertex, and building the graph itself (canonical
 * encoding and vertex digests).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CacheKeyBenchmark {

  @Param({"10000"})
  public int vertices;

  private Definition definition;

  @Setup
  public void build() {
    definition = ToyGraphs.chain(vertices);
  }

  /** Cache maps of every vertex of a 10k chain. */
  @Benchmark
  public void cacheMaps(Blackhole bh) {
    for (Vertex v : definition.vertices()) {
      CacheMap m = CacheMaps.of(v);
      bh.consume(m);
    }
  }

  /** Building a 10k chain: canonical bytes and sha256 digest of every vertex. */
  @Benchmark
  public Definition buildGraph() {
    return ToyGraphs.chain(vertices);
  }
}
