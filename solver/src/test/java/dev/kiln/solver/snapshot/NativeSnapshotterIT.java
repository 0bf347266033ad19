package dev.kiln.solver.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeSnapshotterIT extends AbstractSnapshotterIT {

  @Override
  Snapshotter create(Path root) {
    return new NativeSnapshotter(root);
  }

  @Override
  void assertChangesOfRun(SnapshotChanges changes) throws IOException {
    assertThat(changes.kind()).isEqualTo(SnapshotChanges.Kind.NATIVE_TREE);
    Path tree = changes.changes();
    assertThat(tree.resolve("newfile")).hasContent("new");
    assertThat(Files.readString(tree.resolve("etc/group"))).endsWith("extra\n");
    assertThat(tree.resolve("etc/motd")).doesNotExist();
    assertThat(tree.resolve("bin/busybox")).isRegularFile();
  }

  @Test
  void prepare_writableRootfs_sharesNoInodeWithLowers() throws Exception {
    SnapshotHandle h = snapshotter.prepare("copy", List.of(base, top));
    assertThat(inode(h.rootfs().resolve("etc/passwd")))
        .isNotEqualTo(inode(base.resolve("etc/passwd")));
    assertThat(Files.getAttribute(h.rootfs().resolve("home/app"), "unix:uid")).isEqualTo(1000);
    snapshotter.remove("copy");
  }

  @Test
  void view_twoLowers_hardLinksRegularFiles() throws Exception {
    SnapshotHandle v = snapshotter.view("links", List.of(base, top));
    assertThat(inode(v.rootfs().resolve("etc/passwd")))
        .isEqualTo(inode(base.resolve("etc/passwd")));
    assertThat(inode(v.rootfs().resolve("etc/motd"))).isEqualTo(inode(top.resolve("etc/motd")));
    snapshotter.remove("links");
    assertThat(base.resolve("etc/passwd")).isRegularFile();
  }

  @Test
  void prepare_ociWhiteoutsAndOpaqueDir_applied() throws Exception {
    Path oci = Files.createDirectories(tmp.resolve("layers/oci"));
    Files.createDirectories(oci.resolve("etc"));
    Files.createFile(oci.resolve("etc/.wh.passwd"));
    Files.createDirectories(oci.resolve("home"));
    Files.createFile(oci.resolve("home/.wh..wh..opq"));
    Files.writeString(oci.resolve("home/readme"), "only me");
    SnapshotHandle h = snapshotter.prepare("oci", List.of(base, oci));
    assertThat(h.rootfs().resolve("etc/passwd")).doesNotExist();
    assertThat(h.rootfs().resolve("etc/.wh.passwd")).doesNotExist();
    assertThat(h.rootfs().resolve("etc/group")).isRegularFile();
    try (var s = Files.list(h.rootfs().resolve("home"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("readme");
    }
    snapshotter.remove("oci");
  }

  private static Object inode(Path p) throws IOException {
    return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }
}
