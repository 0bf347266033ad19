package dev.kiln.solver.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Selection on this host, which runs as root on a kernel with overlay (as CI does). */
class SnapshottersIT {

  @TempDir Path tmp;

  @Test
  void select_auto_overlayAsRoot() throws Exception {
    try (Snapshotter s = Snapshotters.select("auto", tmp)) {
      assertThat(s.name()).isEqualTo("overlay");
    }
  }

  @Test
  void select_overrides_honoured() throws Exception {
    try (Snapshotter s = Snapshotters.select("NATIVE", tmp)) {
      assertThat(s.name()).isEqualTo("native");
    }
    try (Snapshotter s = Snapshotters.select("overlay", tmp)) {
      assertThat(s.name()).isEqualTo("overlay");
    }
  }

  @Test
  void select_unknownName_failsListingNames() {
    assertThatThrownBy(() -> Snapshotters.select("zfs", tmp))
        .isInstanceOf(SnapshotException.class)
        .hasMessage("unknown snapshotter zfs: use auto, overlay or native");
  }

  @Test
  void probe_rootOnOverlayfs_explainsWhy() throws Exception {
    // An overlay mount cannot serve as upperdir of another: the probe must catch it.
    OverlaySnapshotter o = new OverlaySnapshotter(tmp.resolve("outer"));
    try {
      SnapshotHandle h = o.prepare("outer", java.util.List.of());
      OverlaySnapshotter.Probe p = OverlaySnapshotter.probe(h.rootfs().resolve("inner"));
      assertThat(p.snapshotter()).isNull();
      assertThat(p.unusable()).contains("overlay mount failed");
      o.remove("outer");
    } finally {
      o.close();
    }
  }

  @Test
  void probe_remembersSuccessPerKernelAndFileSystem_andMountsVolatile() throws Exception {
    Path runs = tmp.resolve("runs");
    OverlaySnapshotter.Probe first = OverlaySnapshotter.probe(runs);
    assertThat(first.unusable()).isNull();
    Path marker = runs.resolve(OverlaySnapshotter.PROBE_MARKER);
    String kernel =
        java.nio.file.Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim()
            + " fs="
            + java.nio.file.Files.getFileStore(runs).type();
    // this kernel (5.10+) takes volatile
    assertThat(marker).hasContent("kernel=" + kernel + "\nvolatile=true\n");
    assertThat(mountOptions(first.snapshotter(), "v")).contains("volatile");

    // a remembered outcome is used as it is: no second probe mount decides otherwise
    java.nio.file.Files.writeString(marker, "kernel=" + kernel + "\nvolatile=false\n");
    assertThat(mountOptions(OverlaySnapshotter.probe(runs).snapshotter(), "nv"))
        .doesNotContain("volatile");

    // another kernel's outcome is not: the probe runs again and rewrites it
    java.nio.file.Files.writeString(marker, "kernel=0.0 fs=x\nvolatile=false\n");
    assertThat(mountOptions(OverlaySnapshotter.probe(runs).snapshotter(), "again"))
        .contains("volatile");
    assertThat(marker).hasContent("kernel=" + kernel + "\nvolatile=true\n");
  }

  /** The super options of a prepared snapshot's mount, which is then removed. */
  private static String mountOptions(OverlaySnapshotter o, String key) throws Exception {
    try (o) {
      SnapshotHandle h = o.prepare(key, java.util.List.of());
      String point = h.rootfs().toString();
      String options =
          java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
              .filter(l -> l.split(" ")[4].equals(point))
              .map(l -> l.substring(l.lastIndexOf(' ') + 1))
              .findFirst()
              .orElseThrow();
      o.remove(key);
      return options;
    }
  }
}
