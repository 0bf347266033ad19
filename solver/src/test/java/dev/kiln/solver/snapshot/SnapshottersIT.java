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
  void unusableReason_rootOnOverlayfs_explainsWhy() throws Exception {
    // An overlay mount cannot serve as upperdir of another: the probe must catch it.
    OverlaySnapshotter o = new OverlaySnapshotter(tmp.resolve("outer"));
    try {
      SnapshotHandle h = o.prepare("outer", java.util.List.of());
      assertThat(OverlaySnapshotter.unusableReason(h.rootfs().resolve("inner")))
          .hasValueSatisfying(r -> assertThat(r).contains("overlay mount failed"));
      o.remove("outer");
    } finally {
      o.close();
    }
  }
}
