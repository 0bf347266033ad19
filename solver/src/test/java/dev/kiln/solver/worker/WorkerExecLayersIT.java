package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.oci.Descriptor;
import dev.kiln.solver.cache.CacheResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RUN through Scheduler + LocalWorker with real runc: what the layers of RUN steps contain. */
class WorkerExecLayersIT {

  @TempDir Path tmp;

  /** A RUN creating a tree, then one deleting a file and replacing a directory wholesale. */
  private static Definition createThenDelete() {
    State created =
        ExecHarness.busybox()
            .run(
                Run.shell(
                        "mkdir -p /app/keep /app/gone"
                            + " && echo a > /app/keep/a && echo b > /app/keep/b"
                            + " && echo x > /app/gone/x && echo y > /app/gone/y")
                    .named("create"))
            .root();
    return created
        .run(
            Run.shell(
                    "rm /app/keep/b && rm -rf /app/gone && mkdir /app/gone && echo z > /app/gone/z")
                .named("delete"))
        .root()
        .definition();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void solve_runDeletingAndReplacing_layersHaveWhiteoutsAndApplyToTheSnapshot(String snapshotter)
      throws Exception {
    ExecHarness h =
        new ExecHarness(tmp.resolve("state"), BusyboxImage.create(tmp.resolve("image")))
            .snapshotter(snapshotter);

    ExecHarness.Solved run = h.solve(createThenDelete());

    CacheResult out = run.result().outputs().get(0);
    List<Descriptor> chain = run.layers();
    assertThat(chain).hasSize(3);
    assertThat(h.entries(chain.get(1)))
        .containsExactly(
            "app/",
            "app/gone/",
            "app/gone/x",
            "app/gone/y",
            "app/keep/",
            "app/keep/a",
            "app/keep/b");
    List<String> deleting = h.entries(chain.get(2));
    assertThat(deleting).contains("app/keep/", "app/keep/.wh.b", "app/gone/", "app/gone/z");
    assertThat(deleting).doesNotContain("app/keep/a", "app/gone/x", "app/gone/y");
    if (snapshotter.equals("overlay")) {
      // The kernel marks a directory removed and recreated as opaque.
      assertThat(deleting).contains("app/gone/.wh..wh..opq");
    } else {
      // A tree diff sees each removed child instead; applying it gives the same tree.
      assertThat(deleting).contains("app/gone/.wh.x", "app/gone/.wh.y");
    }
    Path snapshot = run.worker().snapshot(out);
    Path applied = h.applyAll(chain, tmp);
    Map<String, String> tree = Trees.fingerprint(applied);
    assertThat(tree).isEqualTo(Trees.fingerprint(snapshot));
    assertThat(tree).containsKeys("app/keep/a", "app/gone/z", "bin/busybox");
    assertThat(tree).doesNotContainKeys("app/keep/b", "app/gone/x", "app/gone/y");
    assertThat(Files.readString(applied.resolve("app/gone/z"))).isEqualTo("z\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void solve_imageWithoutHostsFiles_layerHoldsOnlyWhatTheRunWrote(String snapshotter)
      throws Exception {
    ExecHarness h =
        new ExecHarness(tmp.resolve("state"), BusyboxImage.create(tmp.resolve("image"), false))
            .snapshotter(snapshotter);
    Definition def =
        ExecHarness.busybox()
            .run(Run.shell("echo hi > /f").tmpfs("/scratch/tmp"))
            .root()
            .definition();

    ExecHarness.Solved run = h.solve(def);

    // The mount points (/etc/hosts, /etc/resolv.conf, /scratch/tmp) are not part of the change.
    assertThat(h.entries(run.layers().get(1))).containsExactly("f");
    Path rootfs = run.worker().snapshot(run.result().outputs().get(0));
    assertThat(rootfs.resolve("etc/hosts")).doesNotExist();
    assertThat(rootfs.resolve("scratch")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void solve_runWritingNextToAMountStub_keepsItsDirectoryChange(String snapshotter)
      throws Exception {
    ExecHarness h =
        new ExecHarness(tmp.resolve("state"), BusyboxImage.create(tmp.resolve("image"), false))
            .snapshotter(snapshotter);
    Definition def = ExecHarness.busybox().run(Run.shell("echo x > /etc/motd")).root().definition();

    ExecHarness.Solved run = h.solve(def);

    assertThat(h.entries(run.layers().get(1))).containsExactly("etc/", "etc/motd");
    Path rootfs = run.worker().snapshot(run.result().outputs().get(0));
    assertThat(rootfs.resolve("etc/resolv.conf")).doesNotExist();
  }
}
