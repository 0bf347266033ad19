package dev.kiln.solver.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OverlaySnapshotterIT extends AbstractSnapshotterIT {

  @Override
  Snapshotter create(Path root) {
    return new OverlaySnapshotter(root);
  }

  @Override
  void assertChangesOfRun(SnapshotChanges changes) throws IOException {
    assertThat(changes.kind()).isEqualTo(SnapshotChanges.Kind.OVERLAY_UPPERDIR);
    Path upper = changes.changes();
    assertThat(upper.resolve("newfile")).hasContent("new");
    assertThat(Files.readString(upper.resolve("etc/group"))).endsWith("extra\n");
    assertThat(Trees.isOverlayWhiteout(upper.resolve("etc/motd"))).isTrue();
    List<String> all;
    try (Stream<Path> s = Files.walk(upper)) {
      all = s.map(p -> upper.relativize(p).toString()).sorted().toList();
    }
    assertThat(all).containsExactly("", "etc", "etc/group", "etc/motd", "newfile");
  }

  @Test
  void prepare_mountedOverlay_isVisibleInMountinfoUntilRemove() throws Exception {
    SnapshotHandle h = snapshotter.prepare("m", List.of(base, top));
    assertThat(OverlayMount.isMounted(h.rootfs())).isTrue();
    snapshotter.remove("m");
    assertThat(OverlayMount.isMounted(h.rootfs())).isFalse();
  }

  @Test
  void prepare_chainTooLongForAbsoluteOptions_mountsWithRelativePaths() throws Exception {
    List<Path> layers = new ArrayList<>();
    // 150 absolute paths of ~35 bytes exceed one page; relative to the temp dir they fit.
    for (int i = 0; i < 150; i++) {
      Path l = Files.createDirectories(tmp.resolve("many/layer" + i));
      Files.writeString(l.resolve("n"), Integer.toString(i));
      layers.add(l);
    }
    assertThat(String.join(":", layers.stream().map(Path::toString).toList()))
        .hasSizeGreaterThan(OverlayMount.MAX_OPTIONS);
    assertThat(OverlayMount.options(layers, tmp.resolve("u"), tmp.resolve("w"), false).cwd())
        .isEqualTo(tmp);
    SnapshotHandle h = snapshotter.prepare("long", layers);
    assertThat(h.rootfs().resolve("n")).hasContent("149");
    snapshotter.remove("long");
  }

  @Test
  void close_withMountedSnapshot_unmounts() throws Exception {
    SnapshotHandle h = snapshotter.prepare("held", List.of(base));
    snapshotter.close();
    assertThat(OverlayMount.isMounted(h.rootfs())).isFalse();
  }
}
