package dev.kiln.solver.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether overlay works here by doing it once: root, overlay known to the kernel (or
 * loadable: the probe mount loads the module), and a real mount of two lowers with an upper in the
 * snapshot root, whose write must land in the upper. It also learns whether the kernel takes {@code
 * volatile} (Linux 5.10+). A success is remembered in {@code <root>/.overlay-probe} for the same
 * kernel and file system type, so later builds do not mount again; a failure is never remembered.
 * Stateless.
 */
final class OverlayProbe {

  /** The outcome: why overlay cannot be used (empty: it can), and whether it takes volatile. */
  record Result(Optional<String> unusable, boolean volatileUpper) {}

  static final String MARKER = ".overlay-probe";

  private OverlayProbe() {}

  static Result run(Path root) {
    long euid = euid();
    if (euid != 0) {
      return new Result(Optional.of("overlay needs root (running as uid " + euid + ")"), false);
    }
    String identity;
    try {
      Files.createDirectories(root);
      identity = identity(root);
    } catch (IOException e) {
      return new Result(Optional.of("overlay cannot use " + root + ": " + e.getMessage()), false);
    }
    Optional<Boolean> remembered = remembered(root, identity);
    if (remembered.isPresent()) {
      return new Result(Optional.empty(), remembered.get());
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory(root, ".overlay-probe-");
      Path l1 = Files.createDirectory(dir.resolve("l1"));
      Path l2 = Files.createDirectory(dir.resolve("l2"));
      Files.writeString(l1.resolve("f"), "1");
      Path upper = Files.createDirectory(dir.resolve("u"));
      Path work = Files.createDirectory(dir.resolve("w"));
      Path merged = Files.createDirectory(dir.resolve("m"));
      boolean volatileUpper = true;
      try {
        OverlayMount.mount(OverlayMount.options(List.of(l1, l2), upper, work, true), merged);
      } catch (IOException olderKernel) {
        volatileUpper = false;
        OverlayMount.mount(OverlayMount.options(List.of(l1, l2), upper, work, false), merged);
      }
      try {
        Files.writeString(merged.resolve("g"), "2");
      } finally {
        OverlayMount.unmount(merged);
      }
      if (!Files.isRegularFile(upper.resolve("g"))) {
        return new Result(Optional.of("overlay probe mount did not write to its upperdir"), false);
      }
      remember(root, identity, volatileUpper);
      return new Result(Optional.empty(), volatileUpper);
    } catch (IOException | SnapshotException e) {
      String fs = hasOverlay() ? "" : " (overlay is not in /proc/filesystems)";
      return new Result(
          Optional.of("overlay mount failed in " + root + fs + ": " + e.getMessage()), false);
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

  /** What a remembered probe holds for: the kernel release and the root's file system type. */
  private static String identity(Path root) throws IOException {
    String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    return "kernel=" + kernel + " fs=" + Files.getFileStore(root).type();
  }

  /** The remembered volatile support, if the marker is there and holds for {@code identity}. */
  private static Optional<Boolean> remembered(Path root, String identity) {
    try {
      String[] s = Files.readString(root.resolve(MARKER), StandardCharsets.UTF_8).split("\n");
      if (s.length >= 2 && s[0].equals(identity)) {
        return Optional.of(s[1].equals("volatile=true"));
      }
    } catch (IOException | RuntimeException e) {
      // missing or unreadable: probe again
    }
    return Optional.empty();
  }

  private static void remember(Path root, String identity, boolean volatileUpper) {
    try {
      Path temp = Files.createTempFile(root, MARKER, ".tmp");
      Files.writeString(temp, identity + "\nvolatile=" + volatileUpper + "\n");
      Files.move(temp, root.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // Not remembered: the next build probes again.
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
