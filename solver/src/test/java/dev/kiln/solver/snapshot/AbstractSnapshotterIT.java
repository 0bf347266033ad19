package dev.kiln.solver.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.solver.exec.BusyboxRootfs;
import dev.kiln.solver.exec.ExecRequest;
import dev.kiln.solver.exec.OutputListener;
import dev.kiln.solver.exec.RuncExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract every snapshotter meets, run against the real filesystem, runc and mounts. */
abstract class AbstractSnapshotterIT {

  @TempDir Path tmp;
  Path base;
  Path top;
  Snapshotter snapshotter;

  abstract Snapshotter create(Path root);

  /** Checks that {@code changes} holds the container's writes of the run test, and only them. */
  abstract void assertChangesOfRun(SnapshotChanges changes) throws IOException;

  @BeforeEach
  void setUp() throws Exception {
    base = BusyboxRootfs.create(Files.createDirectories(tmp.resolve("layers/base")), true);
    top = Files.createDirectories(tmp.resolve("layers/top"));
    Files.createDirectories(top.resolve("etc"));
    Files.writeString(top.resolve("etc/motd"), "top\n");
    Files.writeString(top.resolve("etc/hosts"), "# top's hosts\n");
    // Overlay-form whiteout of the base's /etc/resolv.conf.
    Commands.run(null, List.of("mknod", top.resolve("etc/resolv.conf").toString(), "c", "0", "0"));
    snapshotter = create(tmp.resolve("snapshots"));
  }

  @AfterEach
  void tearDown() throws IOException {
    snapshotter.close();
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(tmp.toString());
  }

  @Test
  void prepare_twoLowers_topWinsAndWhiteoutApplied() throws Exception {
    SnapshotHandle h = snapshotter.prepare("s1", List.of(base, top));
    assertThat(h.readOnly()).isFalse();
    assertThat(h.rootfs().resolve("etc/motd")).hasContent("top");
    assertThat(h.rootfs().resolve("etc/hosts")).hasContent("# top's hosts");
    assertThat(h.rootfs().resolve("etc/resolv.conf")).doesNotExist();
    assertThat(h.rootfs().resolve("bin/busybox")).isRegularFile();
    snapshotter.remove("s1");
  }

  @Test
  void prepare_runWritesInContainer_changesHoldOnlyWritesAndLowersUntouched() throws Exception {
    String groupBefore = Files.readString(base.resolve("etc/group"));
    SnapshotHandle h = snapshotter.prepare("run", List.of(base, top));
    try (RuncExecutor executor = new RuncExecutor(tmp.resolve("runc"))) {
      executor.run(
          ExecRequest.of(
              h.rootfs(),
              List.of("sh", "-c", "echo new > /newfile; echo extra >> /etc/group; rm /etc/motd")),
          OutputListener.DISCARD);
    }
    SnapshotChanges changes = snapshotter.commit("run");
    assertThat(changes.lowerDirs()).containsExactly(base, top);
    assertChangesOfRun(changes);
    assertThat(base.resolve("etc/group")).hasContent(groupBefore.strip());
    assertThat(top.resolve("etc/motd")).hasContent("top");
    assertThat(base.resolve("newfile")).doesNotExist();
    snapshotter.remove("run");
    assertThat(tmp.resolve("snapshots/run")).doesNotExist();
  }

  @Test
  void view_twoLowers_mergedAndReadOnly() throws Exception {
    SnapshotHandle v = snapshotter.view("v", List.of(base, top));
    assertThat(v.readOnly()).isTrue();
    assertThat(v.rootfs().resolve("etc/motd")).hasContent("top");
    assertThat(v.rootfs().resolve("etc/resolv.conf")).doesNotExist();
    assertThat(v.rootfs().resolve("etc/passwd")).isRegularFile();
    snapshotter.remove("v");
    assertThat(tmp.resolve("snapshots/v")).doesNotExist();
    assertThat(base.resolve("etc/passwd")).isRegularFile();
  }

  @Test
  void prepare_emptyChain_emptyWritableRootfs() throws Exception {
    SnapshotHandle h = snapshotter.prepare("scratch", List.of());
    try (var s = Files.list(h.rootfs())) {
      assertThat(s).isEmpty();
    }
    Files.writeString(h.rootfs().resolve("f"), "x");
    assertThat(h.rootfs().resolve("f")).hasContent("x");
    snapshotter.remove("scratch");
  }

  @Test
  void prepare_existingKey_failsNamingTheKey() throws Exception {
    snapshotter.prepare("dup", List.of(base));
    assertThatThrownBy(() -> snapshotter.prepare("dup", List.of(base)))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("snapshot dup already exists");
    snapshotter.remove("dup");
  }

  @Test
  void remove_unknownKey_isNoOp() throws Exception {
    snapshotter.remove("never-prepared");
    assertThat(tmp.resolve("snapshots/never-prepared")).doesNotExist();
  }

  @Test
  void prepare_invalidKey_fails() {
    assertThatThrownBy(() -> snapshotter.prepare("../escape", List.of(base)))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("invalid snapshot key");
  }
}
