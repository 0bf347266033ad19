package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.oci.Descriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A snapshot chain longer than one overlay mount can stack — more lowers than the kernel's 500 and
 * far more than fit in its one page of mount options, even as paths relative to the worker root —
 * still builds: 520 file ops on the busybox image, each writing, replacing or deleting files of the
 * ones before, then a RUN reading them; the result equals its layers applied.
 */
class WorkerLongChainIT {

  static final int STEPS = 520;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void solve_chainLongerThanAMountTakes_buildsAndRunsOnIt(String snapshotter) throws Exception {
    State s = ExecHarness.busybox();
    for (int i = 0; i < STEPS; i++) {
      FileStep step =
          i % 10 == 9
              ? FileStep.rm("/f" + (i - 1))
              : FileStep.mkfile("/f" + i, 0644, "step " + i + "\n");
      s = s.file(step).named("step " + i);
    }
    // Rewrites a file the first layers wrote: the top layer must win over the flattened prefix.
    s = s.file(FileStep.mkfile("/f0", 0644, "rewritten\n")).named("rewrite f0");
    State ran =
        s.run(Run.shell("cat /f0 /f1 /f" + (STEPS - 3) + " > /out; ls / | grep -c '^f' > /count"))
            .named("RUN read")
            .root();
    ExecHarness h =
        new ExecHarness(tmp.resolve("state"), BusyboxImage.create(tmp.resolve("image")))
            .snapshotter(snapshotter);

    ExecHarness.Solved run = h.solve(ran.definition());

    Path rootfs = run.worker().snapshot(run.result().outputs().get(0));
    assertThat(Files.readString(rootfs.resolve("out")))
        .isEqualTo("rewritten\nstep 1\nstep " + (STEPS - 3) + "\n");
    // 520 files written, every tenth step deleting the one before.
    assertThat(Files.readString(rootfs.resolve("count")).strip())
        .isEqualTo(Integer.toString(STEPS - 2 * (STEPS / 10)));
    List<Descriptor> layers = run.layers();
    assertThat(layers).hasSize(1 + STEPS + 2);
    Map<String, String> applied = Trees.fingerprint(h.applyAll(layers, tmp));
    assertThat(applied).isEqualTo(Trees.fingerprint(rootfs));
  }
}
