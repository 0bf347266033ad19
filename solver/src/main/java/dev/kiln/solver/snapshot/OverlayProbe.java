package dev.kiln.solver.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether overlay works here by doing it once: root, overlay known to the kernel (or
 * loadable: the probe mount loads the module), and a real mount of two lowers with an upper in the
 * snapshot root, whose write must land in the upper. Stateless.
 */
final class OverlayProbe {

  private OverlayProbe() {}

  static Optional<String> run(Path root) {
    long euid = euid();
    if (euid != 0) {
      return Optional.of("overlay needs root (running as uid " + euid + ")");
    }
    Path dir = null;
    try {
      Files.createDirectories(root);
      dir = Files.createTempDirectory(root, ".overlay-probe-");
      Path l1 = Files.createDirectory(dir.resolve("l1"));
      Path l2 = Files.createDirectory(dir.resolve("l2"));
      Files.writeString(l1.resolve("f"), "1");
      Path upper = Files.createDirectory(dir.resolve("u"));
      Path work = Files.createDirectory(dir.resolve("w"));
      Path merged = Files.createDirectory(dir.resolve("m"));
      OverlayMount.mount(OverlayMount.options(List.of(l1, l2), upper, work), merged);
      try {
        Files.writeString(merged.resolve("g"), "2");
      } finally {
        OverlayMount.unmount(merged);
      }
      if (!Files.isRegularFile(upper.resolve("g"))) {
        return Optional.of("overlay probe mount did not write to its upperdir");
      }
      return Optional.empty();
    } catch (IOException | SnapshotException e) {
      String fs = hasOverlay() ? "" : " (overlay is not in /proc/filesystems)";
      return Optional.of("overlay mount failed in " + root + fs + ": " + e.getMessage());
    } finally {
      if (dir != null) {
        try {
          Trees.deleteTree(dir);
        } catch (IOException e) {
          // A leftover probe directory is harmless and named with a dot.
        }
      }
    }
  }

  private static boolean hasOverlay() {
    try {
      return Files.readAllLines(Path.of("/proc/filesystems")).stream()
          .anyMatch(l -> l.endsWith("\toverlay"));
    } catch (IOException e) {
      return false;
    }
  }

  private static long euid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
