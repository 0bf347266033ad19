package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Caching, parallelism and reproducibility of RUN through Scheduler + LocalWorker. */
class WorkerExecSolveIT {

  private static final LayerRequest CLAMPED =
      LayerRequest.DEFAULT.withSourceDateEpoch(Instant.parse("2024-01-01T00:00:00Z"));

  @TempDir Path tmp;
  private BusyboxImage image;

  @BeforeEach
  void setUp() throws Exception {
    image = BusyboxImage.create(tmp.resolve("image"));
  }

  /** Creates files and dirs, appends to and deletes files of the image. */
  private static Definition twoRuns() {
    return ExecHarness.busybox()
        .run(Run.shell("mkdir -p /app/d && echo one > /app/d/f && echo extra >> /etc/group"))
        .root()
        .run(Run.shell("rm /bin/wc && ln -s /app/d/f /app/link && chmod 600 /app/d/f"))
        .root()
        .definition();
  }

  @Test
  void solve_secondTimeWithFreshScheduler_runsNoRun() throws Exception {
    ExecHarness h = new ExecHarness(tmp.resolve("state"), image);
    ExecHarness.Solved first = h.solve(twoRuns());
    Events events = new Events();

    ExecHarness.Solved second = h.solve(twoRuns(), events);

    assertThat(first.result().executed()).isEqualTo(3);
    assertThat(second.result().executed()).isZero();
    assertThat(events.events()).isNotEmpty().allMatch(e -> e.startsWith("cached "));
    assertThat(events.logs()).isEmpty();
    assertThat(second.result().outputs()).isEqualTo(first.result().outputs());
  }

  @Test
  void solve_runsInIndependentStages_runInParallel() throws Exception {
    State a = ExecHarness.busybox().run(Run.shell("sleep 1; echo a > /a").named("A")).root();
    State b = ExecHarness.busybox().run(Run.shell("sleep 1; echo b > /b").named("B")).root();
    Events events = new Events();

    ExecHarness.Solved run =
        new ExecHarness(tmp.resolve("state"), image)
            .solve(State.merge(List.of(a, b)).named("merge").definition(), events);

    List<String> order = events.events();
    String firstStarted = order.indexOf("started A") < order.indexOf("started B") ? "A" : "B";
    String other = firstStarted.equals("A") ? "B" : "A";
    assertThat(order.indexOf("started " + other))
        .isNotNegative()
        .isLessThan(order.indexOf("completed " + firstStarted));
    Path rootfs = run.worker().snapshot(run.result().outputs().get(0));
    assertThat(Files.readString(rootfs.resolve("a"))).isEqualTo("a\n");
    assertThat(Files.readString(rootfs.resolve("b"))).isEqualTo("b\n");
  }

  @Test
  void solve_twoCleanStateRoots_produceIdenticalLayerDigests() throws Exception {
    List<Descriptor> one =
        new ExecHarness(tmp.resolve("one"), image).layers(CLAMPED).solve(twoRuns()).layers();
    List<Descriptor> two =
        new ExecHarness(tmp.resolve("two"), image).layers(CLAMPED).solve(twoRuns()).layers();

    assertThat(one).hasSize(3);
    assertThat(digests(two)).isEqualTo(digests(one));
    assertThat(diffIds(two)).isEqualTo(diffIds(one));
  }

  @Test
  void solve_overlayAndNativeSnapshotters_giveIdenticalDiffIds() throws Exception {
    ExecHarness overlay =
        new ExecHarness(tmp.resolve("overlay"), image).layers(CLAMPED).snapshotter("overlay");
    ExecHarness nativ =
        new ExecHarness(tmp.resolve("native"), image).layers(CLAMPED).snapshotter("native");

    List<Descriptor> fromOverlay = overlay.solve(twoRuns()).layers();
    List<Descriptor> fromNative = nativ.solve(twoRuns()).layers();

    assertThat(diffIds(fromNative)).isEqualTo(diffIds(fromOverlay));
    assertThat(digests(fromNative)).isEqualTo(digests(fromOverlay));
    assertThat(overlay.entries(fromOverlay.get(2)))
        .containsExactly("app/", "app/d/", "app/d/f", "app/link", "bin/", "bin/.wh.wc");
  }

  private static List<Digest> digests(List<Descriptor> layers) {
    return layers.stream().map(Descriptor::digest).toList();
  }

  private static List<Digest> diffIds(List<Descriptor> layers) {
    return layers.stream().map(ExecHarness::diffId).toList();
  }
}
