package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Run;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveException;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import dev.kiln.solver.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** After a RUN succeeds, fails or is cancelled, no container, mount or temp dir is left. */
class WorkerExecCleanupIT {

  @TempDir Path tmp;

  private ExecHarness harness(String snapshotter) throws Exception {
    return new ExecHarness(tmp.resolve("state"), BusyboxImage.create(tmp.resolve("image")))
        .snapshotter(snapshotter);
  }

  private static Definition run(String script) {
    return ExecHarness.busybox().run(Run.shell(script).named("RUN")).root().definition();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void solve_runSucceeds_leavesNothingBehind(String snapshotter) throws Exception {
    ExecHarness h = harness(snapshotter);

    h.solve(run("echo ok > /ok"));

    assertNothingLeft(h);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void solve_runFails_leavesNothingBehind(String snapshotter) throws Exception {
    ExecHarness h = harness(snapshotter);

    assertThatThrownBy(() -> h.solve(run("echo partial > /p; exit 1")))
        .isInstanceOf(SolveException.class);

    assertNothingLeft(h);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void solve_cancelledWhileRunning_killsContainerAndLeavesNothingBehind(String snapshotter)
      throws Exception {
    ExecHarness h = harness(snapshotter);
    Events events = new Events();
    LocalWorker worker = h.worker(events);

    try (LocalCacheManager cache = LocalCacheManager.open(tmp.resolve("state/cache"));
        Scheduler scheduler = new Scheduler(worker, cache, 4)) {
      CompletableFuture<SolveResult> solve =
          scheduler.submit(
              run("echo started; touch /half; sleep 60"),
              SolveOptions.DEFAULT.withProgress(events));
      assertThat(events.loggedLatch().await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(runcList(h)).hasSize(1);

      solve.cancel(true);

      // Reported after the runner returned, so its cleanup is done.
      assertThat(events.failedLatch().await(60, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(solve::join).isInstanceOf(CancellationException.class);
    }
    assertThat(events.events()).contains("failed RUN").doesNotContain("completed RUN");
    assertNothingLeft(h);
  }

  private void assertNothingLeft(ExecHarness h) throws Exception {
    assertThat(runcList(h)).isEmpty();
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(tmp.toString());
    Path root = h.workerRoot();
    assertThat(children(root.resolve("tmp"))).isEmpty();
    // the overlay probe's remembered outcome stays; nothing of a step does
    assertThat(children(root.resolve("runs"))).isSubsetOf(OverlaySnapshotter.PROBE_MARKER);
    assertThat(children(root.resolve("exec/bundles"))).isEmpty();
  }

  private static List<String> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Container ids known to runc under the executor's state root. */
  private static List<String> runcList(ExecHarness h) throws Exception {
    Process p =
        new ProcessBuilder("runc", "--root", h.runcRoot().toString(), "list", "--quiet")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("runc list: %s", out).isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
