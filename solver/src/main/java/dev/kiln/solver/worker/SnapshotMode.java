package dev.kiln.solver.worker;

import dev.kiln.solver.layer.DiffFormat;
import dev.kiln.solver.snapshot.OverlaySnapshotter;
import dev.kiln.solver.snapshot.SnapshotException;
import dev.kiln.solver.snapshot.Snapshotter;
import dev.kiln.solver.snapshot.Snapshotters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * How this worker stacks snapshots: the {@link Snapshotter} that mounts (overlay) or copies
 * (native) a step's root file system, chosen on first use under {@code <root>/runs}, and the form
 * whiteouts take in diff directories — overlayfs' own (a character device 0/0, hard-linked from
 * {@code <root>/whiteout}; the {@code trusted.overlay.opaque} xattr) when privileged, so that a
 * diff directory can be an overlay lower as it is, else OCI marker files. Thread-safe.
 */
final class SnapshotMode {

  private final Path root;
  private final String snapshotterName;
  private final boolean privileged;
  private final DiffFormat format;
  private final Path empty;
  private Snapshotter snapshotter;

  SnapshotMode(Path root, String snapshotterName, boolean privileged) throws IOException {
    this.root = root;
    this.snapshotterName = snapshotterName;
    this.privileged = privileged;
    this.empty = Files.createDirectories(root.resolve("empty"));
    this.format = privileged ? DiffFormat.overlay(whiteoutTemplate(root)) : DiffFormat.oci();
  }

  /** The form whiteouts take in diff directories. */
  DiffFormat format() {
    return format;
  }

  boolean privileged() {
    return privileged;
  }

  /** An empty directory (the lower of nothing). Must stay empty. */
  Path empty() {
    return empty;
  }

  /** The snapshotter, selected on first use. */
  synchronized Snapshotter snapshotter() throws IOException {
    if (snapshotter == null) {
      Path runs = Files.createDirectories(root.resolve("runs"));
      try {
        // An unprivileged worker's diff directories cannot hold overlayfs whiteouts.
        String name =
            !privileged && (snapshotterName == null || snapshotterName.equalsIgnoreCase("auto"))
                ? "native"
                : snapshotterName;
        Snapshotter s = Snapshotters.select(name, runs);
        if (s instanceof OverlaySnapshotter && !format.overlayForm()) {
          s.close();
          throw new IOException(
              "the overlay snapshotter needs a privileged worker (its diff directories keep"
                  + " overlayfs whiteouts); use --snapshotter=native");
        }
        snapshotter = s;
      } catch (SnapshotException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return snapshotter;
  }

  /** Whether steps run on overlay mounts (selecting the snapshotter if needed). */
  boolean overlay() throws IOException {
    return snapshotter() instanceof OverlaySnapshotter;
  }

  /** Releases the snapshotter's mounts, if one was selected. */
  synchronized void close() {
    if (snapshotter != null) {
      snapshotter.close();
    }
  }

  /** {@code <root>/whiteout}: a character device 0/0 that whiteouts are hard links of. */
  private static Path whiteoutTemplate(Path root) throws IOException {
    Path t = root.resolve("whiteout");
    if (Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
      return t;
    }
    Path tmp = root.resolve(".whiteout-" + ProcessHandle.current().pid());
    Files.deleteIfExists(tmp);
    Process p =
        new ProcessBuilder("mknod", "-m", "0", tmp.toString(), "c", "0", "0")
            .redirectErrorStream(true)
            .start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException("creating the whiteout device " + t + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating " + t, e);
    } finally {
      p.destroy();
    }
    try {
      Files.move(tmp, t, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      Files.deleteIfExists(tmp);
    }
    return t;
  }
}
