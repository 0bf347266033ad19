package dev.kiln.benchmarks;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.Platform;
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

  /** About {@code n} vertices: repeated RUN, COPY, WORKDIR and COPY --link steps on one base. */
  static Definition dockerfileShaped(int n) {
    State base =
        State.image("busybox", Platform.of("linux", "amd64"))
            .withEnv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .withEnv("APP_MODE", "test")
            .withEnv("GREETING", "hello <world> & co")
            .withCwd("/app");
    State context = State.local("context");
    State s = base;
    State previous = base;
    int count = 2;
    for (int i = 0; count < n; i++) {
      switch (i % 5) {
        case 0 -> {
          Run run = Run.shell("echo step " + i + " > /app/out" + i + " && ls -l /app");
          if (i % 10 == 0) {
            run = run.cache("/root/.cache", null, Mount.CacheSharing.SHARED);
          }
          if (i % 15 == 0) {
            run = run.mount("/mnt/prev", previous, "/app", true);
          }
          previous = s;
          s = s.run(run).root();
        }
        case 1 ->
            s =
                s.file(
                    FileStep.copy(
                        context,
                        new FileAction.Copy(
                            0,
                            "/src/file" + i + ".txt",
                            "/app/",
                            true,
                            true,
                            true,
                            true,
                            true,
                            -1,
                            null)));
        case 2 -> s = s.file(FileStep.of(new FileAction.Mkdir("/app/d" + i, 0755, true, null)));
        case 3 ->
            s =
                State.merge(
                    List.of(
                        s,
                        State.scratch()
                            .file(
                                FileStep.copy(
                                    previous,
                                    new FileAction.Copy(
                                        0,
                                        "/app/out" + (i - 3),
                                        "/linked/",
                                        true,
                                        true,
                                        true,
                                        true,
                                        true,
                                        -1,
                                        null)))));
        default ->
            s =
                s.file(
                    FileStep.copy(
                        context,
                        new FileAction.Copy(
                            0,
                            "/src/*.md",
                            "/docs" + i + "/",
                            true,
                            true,
                            true,
                            true,
                            true,
                            0644,
                            null)));
      }
      count += i % 5 == 3 ? 2 : 1;
    }
    return s.definition();
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
