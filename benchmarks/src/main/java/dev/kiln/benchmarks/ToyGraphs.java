package dev.kiln.benchmarks;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.scheduler.CancellationToken;
import dev.kiln.solver.scheduler.OpRunner;
import java.util.ArrayList;
import java.util.List;

/** Toy graphs and a toy runner for solver benchmarks (BuildKit scheduler_test style). */
final class ToyGraphs {

  private ToyGraphs() {}

  /** A chain of {@code n} file ops over scratch: each vertex depends on the previous one. */
  static Definition chain(int n) {
    State s = State.scratch();
    for (int i = 0; i < n; i++) {
      s = s.file(FileStep.mkfile("/f", 0644, Integer.toString(i)));
    }
    return s.definition();
  }

  /** {@code n} independent file ops merged into one vertex. */
  static Definition fanIn(int n) {
    List<State> leaves = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      leaves.add(State.scratch().file(FileStep.mkfile("/" + i, 0644, Integer.toString(i))));
    }
    return State.merge(leaves).definition();
  }

  /** Runs nothing real: every output is a snapshot named after the vertex. */
  static final class Runner implements OpRunner {
    @Override
    public List<CacheResult> run(Vertex v, List<CacheResult> inputs, CancellationToken cancel) {
      List<CacheResult> out = new ArrayList<>();
      for (int o = 0; o < v.op().outputCount(); o++) {
        out.add(CacheResult.ofSnapshot(v.digest().hex()));
      }
      return out;
    }
  }
}
