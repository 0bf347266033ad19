package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Run;
import dev.kiln.solver.exec.ExecRequest;
import dev.kiln.solver.exec.RuncExecutor;
import dev.kiln.solver.layer.EntrySource;
import dev.kiln.solver.layer.LayerBlob;
import dev.kiln.solver.layer.LayerWriter;
import dev.kiln.solver.layer.OpaqueProbe;
import dev.kiln.solver.layer.OverlayUpperConverter;
import dev.kiln.solver.layer.TreeDiff;
import dev.kiln.solver.snapshot.SnapshotChanges;
import dev.kiln.solver.snapshot.SnapshotHandle;
import dev.kiln.solver.snapshot.Snapshotter;
import dev.kiln.solver.snapshot.Snapshotters;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where the time of a RUN writing 50 MB goes: the phases ExecRunner chains (snapshot prepare, runc
 * run, commit + diff, tar + gzip + sha256), each run and timed on its own, then the whole RUN
 * through the worker. Prints the times (no timed assertions: numbers for WORKER.md).
 */
class WorkerExecPhasesIT {

  private static final String WRITE_50_MB = "dd if=/dev/urandom of=/big bs=1M count=50 2>/dev/null";

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void run_writing50Mb_phasesProduceOneBigLayer(String name) throws Exception {
    BusyboxImage image = BusyboxImage.create(tmp.resolve("image"));
    Snapshotter snapshotter = Snapshotters.select(name, tmp.resolve("runs"));
    LayerBlob blob;
    try (RuncExecutor executor = new RuncExecutor(tmp.resolve("exec"))) {
      long t0 = System.nanoTime();
      SnapshotHandle handle = snapshotter.prepare("big", List.of(image.rootfs()));
      long t1 = System.nanoTime();
      executor.run(
          ExecRequest.of(handle.rootfs(), List.of("/bin/sh", "-c", WRITE_50_MB)), (s, l) -> {});
      long t2 = System.nanoTime();
      SnapshotChanges changes = snapshotter.commit("big");
      EntrySource diff =
          changes.kind() == SnapshotChanges.Kind.OVERLAY_UPPERDIR
              ? new OverlayUpperConverter(changes.changes(), OpaqueProbe.getfattr())
              : TreeDiff.of(image.rootfs(), changes.changes());
      AtomicLong bytes = new AtomicLong();
      diff.emit(e -> bytes.addAndGet(e.size()));
      long t3 = System.nanoTime();
      blob = new LayerWriter(LayerWriter.Options.defaults()).write(diff, tmp.resolve("blobs"));
      long t4 = System.nanoTime();
      snapshotter.remove("big");
      long t5 = System.nanoTime();
      System.out.printf(
          "RUN 50 MB phases (%s): prepare %d ms, run %d ms, commit+diff %d ms,"
              + " tar+gzip+sha256 %d ms, remove %d ms; layer %d bytes%n",
          name, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), ms(t5 - t4), blob.size());
      assertThat(bytes.get()).isEqualTo(50L << 20);
    } finally {
      snapshotter.close();
    }
    // Random bytes do not compress.
    assertThat(blob.size()).isGreaterThan(50L << 20);

    ExecHarness h = new ExecHarness(tmp.resolve("state"), image).snapshotter(name);
    Definition base = ExecHarness.busybox().definition();
    h.solve(base);
    long s0 = System.nanoTime();
    ExecHarness.Solved run =
        h.solve(ExecHarness.busybox().run(Run.shell(WRITE_50_MB)).root().definition());
    long s1 = System.nanoTime();
    System.out.printf("RUN 50 MB through Scheduler + LocalWorker (%s): %d ms%n", name, ms(s1 - s0));
    assertThat(run.layers().get(1).size()).isGreaterThan(50L << 20);
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
