package dev.kiln.solver.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.solver.cache.LocalCacheManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler with toy ops and call counters, on a real {@link LocalCacheManager}. */
class SchedulerTest {

  @TempDir Path root;

  private static State file(State base, String text) {
    return base.file(FileStep.mkfile("/f-" + text, 0644, text)).named("write " + text);
  }

  private static Vertex v(State s) {
    return s.output().vertex();
  }

  /** Safety net so a broken scheduler fails the test instead of hanging it; not a timing check. */
  private static void await(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("latch never opened");
    }
  }

  private SolveResult solve(ToyRunner runner, Definition def, SolveOptions opts) throws Exception {
    try (LocalCacheManager cache = LocalCacheManager.open(root);
        Scheduler s = new Scheduler(runner, cache, 2)) {
      return s.solve(def, opts);
    }
  }

  /** scratch -> a -> b, scratch -> c, merge(b, c). */
  private static State diamond(String cText) {
    State a = file(State.scratch(), "a");
    State b = file(a, "b");
    State c = file(State.scratch(), cText);
    return State.merge(List.of(b, c)).named("merge");
  }

  @Test
  void solve_coldRun_runsEveryVertexOnce() throws Exception {
    Definition def = diamond("c").definition();
    ToyRunner runner = new ToyRunner();
    RecordingProgress progress = new RecordingProgress();

    SolveResult r = solve(runner, def, SolveOptions.DEFAULT.withProgress(progress));

    assertThat(def.vertices()).allSatisfy(v -> assertThat(runner.runs(v)).isEqualTo(1));
    assertThat(r.executed()).isEqualTo(def.size());
    assertThat(r.cached()).isZero();
    assertThat(progress.completed).hasSize(def.size());
    assertThat(progress.cached).isEmpty();
    assertThat(r.outputs()).hasSize(1);
    assertThat(r.outputs().get(0).snapshotId())
        .isEqualTo(def.outputs().get(0).vertex().digest().toString());
  }

  @Test
  void solve_warmRunWithPersistedCache_runsNothingAndReportsAllCached() throws Exception {
    Definition def = diamond("c").definition();
    SolveResult cold = solve(new ToyRunner(), def, SolveOptions.DEFAULT);
    ToyRunner runner = new ToyRunner();
    RecordingProgress progress = new RecordingProgress();

    SolveResult warm = solve(runner, def, SolveOptions.DEFAULT.withProgress(progress));

    assertThat(runner.totalRuns()).isZero();
    assertThat(warm.executed()).isZero();
    assertThat(warm.cached()).isEqualTo(def.size());
    assertThat(progress.cached).hasSize(def.size());
    assertThat(progress.started).isEmpty();
    assertThat(warm.outputs()).isEqualTo(cold.outputs());
  }

  @Test
  void solve_oneInputChanged_rerunsOnlyItsDependents() throws Exception {
    solve(new ToyRunner(), diamond("c").definition(), SolveOptions.DEFAULT);
    Definition changed = diamond("c2").definition();
    ToyRunner runner = new ToyRunner();

    SolveResult r = solve(runner, changed, SolveOptions.DEFAULT);

    Vertex merge = changed.outputs().get(0).vertex();
    Vertex c2 = merge.inputs().get(1).vertex();
    assertThat(runner.runs.keySet()).containsExactlyInAnyOrder(merge.digest(), c2.digest());
    assertThat(r.executed()).isEqualTo(2);
    assertThat(r.cached()).isEqualTo(changed.size() - 2);
  }

  @Test
  void solve_resultListener_toldOfEachRunStepsResultsBeforeItsDependentsRun_notOfHits()
      throws Exception {
    Definition def = diamond("c").definition();
    Vertex merge = def.outputs().get(0).vertex();
    List<Vertex> told = Collections.synchronizedList(new ArrayList<>());
    List<String> snapshots = Collections.synchronizedList(new ArrayList<>());
    ToyRunner runner = new ToyRunner();
    AtomicBoolean mergeRanAfterItsInputsWereTold = new AtomicBoolean();
    ResultListener listener =
        (vertex, results) -> {
          told.add(vertex);
          results.forEach(r -> snapshots.add(r.snapshotId()));
        };
    runner.hook(
        merge,
        (v, cancel) ->
            mergeRanAfterItsInputsWereTold.set(
                told.containsAll(merge.inputs().stream().map(i -> i.vertex()).toList())));

    solve(runner, def, SolveOptions.DEFAULT.withResults(listener));

    assertThat(told).containsExactlyInAnyOrderElementsOf(def.vertices());
    assertThat(snapshots)
        .containsExactlyInAnyOrderElementsOf(
            def.vertices().stream().map(v -> v.digest().toString()).toList());
    assertThat(mergeRanAfterItsInputsWereTold).isTrue();

    told.clear();
    solve(new ToyRunner(), def, SolveOptions.DEFAULT.withResults(listener));
    assertThat(told).as("a warm solve runs nothing, so tells nothing").isEmpty();
  }

  @Test
  void solve_noCache_runsEverythingAgain() throws Exception {
    Definition def = diamond("c").definition();
    solve(new ToyRunner(), def, SolveOptions.DEFAULT);
    ToyRunner runner = new ToyRunner();

    SolveResult r = solve(runner, def, SolveOptions.DEFAULT.withNoCache(true));

    assertThat(runner.totalRuns()).isEqualTo(def.size());
    assertThat(r.cached()).isZero();
  }

  @Test
  void solve_independentBranches_runConcurrently() throws Exception {
    State left = file(State.scratch(), "left");
    State right = file(State.scratch(), "right");
    Definition def = State.merge(List.of(left, right)).definition();
    CountDownLatch both = new CountDownLatch(2);
    ToyRunner.Hook meet =
        (v, c) -> {
          both.countDown();
          // Returns only once the other branch is running at the same time.
          await(both);
        };
    ToyRunner runner = new ToyRunner().hook(v(left), meet).hook(v(right), meet);

    solve(runner, def, SolveOptions.DEFAULT);

    assertThat(both.getCount()).isZero();
    assertThat(runner.runs(v(left))).isEqualTo(1);
    assertThat(runner.runs(v(right))).isEqualTo(1);
  }

  @Test
  void solve_twoOutputsShareAVertex_runsItOnce() throws Exception {
    State shared = file(State.scratch(), "shared");
    State x = file(shared, "x");
    State y = file(shared, "y");
    Definition def = Definition.of(List.of(x.output(), y.output()));
    ToyRunner runner = new ToyRunner();

    SolveResult r = solve(runner, def, SolveOptions.DEFAULT);

    assertThat(runner.runs(v(shared))).isEqualTo(1);
    assertThat(r.outputs()).hasSize(2);
  }

  @Test
  void solve_concurrentSolvesShareAVertex_runItOnce() throws Exception {
    State shared = file(State.scratch(), "shared");
    Definition one = file(shared, "one").definition();
    Definition two = file(shared, "two").definition();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ToyRunner runner =
        new ToyRunner()
            .hook(
                v(shared),
                (v, c) -> {
                  started.countDown();
                  await(release);
                });
    try (LocalCacheManager cache = LocalCacheManager.open(root);
        Scheduler s = new Scheduler(runner, cache, 4)) {
      CompletableFuture<SolveResult> f1 = s.submit(one, SolveOptions.DEFAULT);
      await(started);
      CompletableFuture<SolveResult> f2 = s.submit(two, SolveOptions.DEFAULT);
      // Release the shared op only once the second solve waits for it.
      while (s.waiters(v(shared).digest()) == 0 && !f2.isDone()) {
        Thread.onSpinWait();
      }
      release.countDown();
      f1.get();
      f2.get();
    }

    assertThat(runner.runs(v(shared))).isEqualTo(1);
  }

  @Test
  void solve_oneVertexFails_cancelsSiblingsAndNamesTheStep() throws Exception {
    State slow = file(State.scratch(), "slow");
    State afterSlow = file(slow, "after-slow");
    State bad = file(State.scratch(), "bad");
    State afterBad = file(bad, "after-bad");
    Definition def = State.merge(List.of(afterSlow, afterBad)).definition();
    CountDownLatch slowRunning = new CountDownLatch(1);
    AtomicBoolean slowInterrupted = new AtomicBoolean();
    ToyRunner runner =
        new ToyRunner()
            .hook(
                v(slow),
                (v, c) -> {
                  slowRunning.countDown();
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    slowInterrupted.set(c.isCancelled());
                    throw e;
                  }
                })
            .hook(
                v(bad),
                (v, c) -> {
                  await(slowRunning);
                  throw new IOException("exit code 2");
                });
    RecordingProgress progress = new RecordingProgress();

    assertThatThrownBy(() -> solve(runner, def, SolveOptions.DEFAULT.withProgress(progress)))
        .isInstanceOfSatisfying(
            SolveException.class,
            e -> {
              assertThat(e.step()).isEqualTo("write bad");
              assertThat(e.vertex()).isEqualTo(v(bad).digest());
              assertThat(e).hasMessageContaining("write bad").hasMessageContaining("exit code 2");
            });
    assertThat(slowInterrupted).isTrue();
    assertThat(runner.runs(v(afterSlow))).isZero();
    assertThat(runner.runs(v(afterBad))).isZero();
    assertThat(progress.failed).containsEntry("write bad", "exit code 2");
    assertThat(progress.failed).containsEntry("write slow", "cancelled");
  }

  @Test
  void solve_failedVertex_canBeRetried() throws Exception {
    State flaky = file(State.scratch(), "flaky");
    Definition def = file(flaky, "next").definition();
    AtomicBoolean fail = new AtomicBoolean(true);
    ToyRunner runner =
        new ToyRunner()
            .hook(
                v(flaky),
                (v, c) -> {
                  if (fail.getAndSet(false)) {
                    throw new IOException("transient");
                  }
                });
    try (LocalCacheManager cache = LocalCacheManager.open(root);
        Scheduler s = new Scheduler(runner, cache, 2)) {
      assertThatThrownBy(() -> s.solve(def, SolveOptions.DEFAULT))
          .isInstanceOf(SolveException.class);

      SolveResult r = s.solve(def, SolveOptions.DEFAULT);

      assertThat(r.executed()).isEqualTo(2);
      assertThat(runner.runs(v(flaky))).isEqualTo(2);
    }
  }

  @Test
  void submit_cancelledByCaller_interruptsRunningOpAndStartsNothingElse() throws Exception {
    State blocking = file(State.scratch(), "blocking");
    State next = file(blocking, "next");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ToyRunner runner =
        new ToyRunner()
            .hook(
                v(blocking),
                (v, c) -> {
                  running.countDown();
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                  }
                });
    try (LocalCacheManager cache = LocalCacheManager.open(root);
        Scheduler s = new Scheduler(runner, cache, 2)) {
      CompletableFuture<SolveResult> f = s.submit(next.definition(), SolveOptions.DEFAULT);
      await(running);

      f.cancel(true);

      await(interrupted);
      assertThat(f).isCancelled();
    }
    assertThat(runner.runs(v(next))).isZero();
  }

  @Test
  void solve_callerInterrupted_throwsInterruptedAndCancelsTheOp() throws Exception {
    State blocking = file(State.scratch(), "blocking");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ToyRunner runner =
        new ToyRunner()
            .hook(
                v(blocking),
                (v, c) -> {
                  running.countDown();
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                  }
                });
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try (LocalCacheManager cache = LocalCacheManager.open(root);
        Scheduler s = new Scheduler(runner, cache, 2)) {
      Thread caller =
          new Thread(
              () -> {
                try {
                  s.solve(blocking.definition(), SolveOptions.DEFAULT);
                } catch (Exception e) {
                  thrown.set(e);
                }
              });
      caller.start();
      await(running);

      caller.interrupt();
      caller.join();

      await(interrupted);
    }
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void solve_sameContentFromOtherProducer_dependentHitsContentKey() throws Exception {
    State p1 = file(State.scratch(), "producer-1");
    State p2 = file(State.scratch(), "producer-2");
    State c1 = State.scratch().file(FileStep.copy(p1, "/out", "/out"));
    State c2 = State.scratch().file(FileStep.copy(p2, "/out", "/out"));
    ToyRunner first = new ToyRunner().content(v(p1), "same bytes");
    solve(first, c1.definition(), SolveOptions.DEFAULT);
    ToyRunner second = new ToyRunner().content(v(p2), "same bytes");
    RecordingProgress progress = new RecordingProgress();

    SolveResult r = solve(second, c2.definition(), SolveOptions.DEFAULT.withProgress(progress));

    assertThat(second.runs(v(p2))).isEqualTo(1);
    assertThat(second.runs(v(c2))).isZero();
    assertThat(second.checksums.get()).isEqualTo(1);
    assertThat(progress.cached).contains(v(c2).digest());
    assertThat(r.outputs().get(0).snapshotId()).isEqualTo(v(c1).digest().toString());
  }

  @Test
  void solve_inputFoundByContentKey_itsDependentsWithoutContentKeysStayCached() throws Exception {
    State p1 = file(State.scratch(), "producer-1");
    State p2 = file(State.scratch(), "producer-2");
    State c1 = State.scratch().file(FileStep.copy(p1, "/out", "/out"));
    State c2 = State.scratch().file(FileStep.copy(p2, "/out", "/out"));
    // Dependents of the copy that read no content of their own: found through the copy's key.
    State d1 = file(file(c1, "then"), "finally");
    State d2 = file(file(c2, "then"), "finally");
    solve(new ToyRunner().content(v(p1), "same bytes"), d1.definition(), SolveOptions.DEFAULT);
    ToyRunner second = new ToyRunner().content(v(p2), "same bytes");
    RecordingProgress progress = new RecordingProgress();

    solve(second, d2.definition(), SolveOptions.DEFAULT.withProgress(progress));

    assertThat(second.runs(v(p2))).isEqualTo(1);
    assertThat(second.runs(v(c2))).isZero();
    assertThat(second.runs(v(file(c2, "then")))).isZero();
    assertThat(second.runs(v(d2))).isZero();
    assertThat(progress.cached).contains(v(d2).digest());
  }

  @Test
  void solve_differentContentFromOtherProducer_dependentRuns() throws Exception {
    State p1 = file(State.scratch(), "producer-1");
    State p2 = file(State.scratch(), "producer-2");
    solve(
        new ToyRunner().content(v(p1), "one"),
        State.scratch().file(FileStep.copy(p1, "/out", "/out")).definition(),
        SolveOptions.DEFAULT);
    State c2 = State.scratch().file(FileStep.copy(p2, "/out", "/out"));
    ToyRunner second = new ToyRunner().content(v(p2), "two");

    solve(second, c2.definition(), SolveOptions.DEFAULT);

    assertThat(second.runs(v(c2))).isEqualTo(1);
  }

  @Test
  void solve_tenThousandVertexChain_coldThenFullyCached() throws Exception {
    State s = State.scratch();
    for (int i = 0; i < 10_000; i++) {
      s = s.file(FileStep.mkfile("/f", 0644, Integer.toString(i)));
    }
    Definition def = s.definition();
    ToyRunner runner = new ToyRunner();

    SolveResult cold = solve(runner, def, SolveOptions.DEFAULT);
    SolveResult warm = solve(new ToyRunner(), def, SolveOptions.DEFAULT);

    assertThat(cold.executed()).isEqualTo(10_001);
    assertThat(runner.totalRuns()).isEqualTo(10_001);
    assertThat(warm.executed()).isZero();
    assertThat(warm.cached()).isEqualTo(10_001);
  }

  @Test
  void solve_tenThousandWayFanIn_solves() throws Exception {
    List<State> leaves = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      leaves.add(file(State.scratch(), Integer.toString(i)));
    }
    Definition def = State.merge(leaves).definition();
    ToyRunner runner = new ToyRunner();

    SolveResult cold = solve(runner, def, SolveOptions.DEFAULT);
    SolveResult warm = solve(new ToyRunner(), def, SolveOptions.DEFAULT);

    assertThat(cold.executed()).isEqualTo(10_002);
    assertThat(warm.cached()).isEqualTo(10_002);
  }

  @Test
  void scheduler_parallelismBelowOne_rejected() throws Exception {
    try (LocalCacheManager cache = LocalCacheManager.open(root)) {
      assertThatThrownBy(() -> new Scheduler(new ToyRunner(), cache, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("parallelism");
    }
  }

  @Test
  void cancellationToken_hookAfterCancel_runsImmediately() {
    CancellationToken t = new CancellationToken();
    AtomicBoolean ran = new AtomicBoolean();
    t.cancel();

    t.onCancel(() -> ran.set(true));

    assertThat(ran).isTrue();
    assertThatThrownBy(t::throwIfCancelled).isInstanceOf(CancellationException.class);
  }
}
