package dev.kiln.solver.worker;

import dev.kiln.solver.exec.DirMetadata;
import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.layer.OpaqueProbe;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;

/**
 * Removes from an overlay upperdir the directories that overlayfs copied up but that hold no
 * change: empty, not opaque, and with the same mode, owner, mtime and {@code user.*} xattrs as the
 * lower directory. Copy-up happens as soon as anything is created in a directory, even if it is
 * removed again (the executor's mount-point stub for {@code /etc/hosts} in an image without one); a
 * tree diff of the same run would not list such a directory, so neither must the layer, or the
 * overlay and native snapshotters would give different diffIDs. For an upperdir that is no longer
 * mounted (it is modified in place), against its lower layers as {@link Lower} tells them.
 */
final class UpperPruner {

  private UpperPruner() {}

  /** The lower layers' directories, by path relative to the root ({@code etc/ssl}). */
  interface Lower {
    /** The lower's directory at {@code path}, or null if the lower has no directory there. */
    DirMetadata directory(String path) throws IOException;

    /**
     * Whether a copy of {@code path} with the lower's metadata and no entries is known to be a
     * plain copy-up (so its opaque marker need not be read).
     */
    default boolean knownCopyUp(String path) {
      return false;
    }
  }

  /**
   * Prunes {@code upper} against {@code lower}. A directory that loses a child keeps the mtime the
   * step left it with (removing the child would change it).
   */
  static void prune(Path upper, Lower lower, OpaqueProbe probe) throws IOException {
    prune(upper, "", lower, probe);
  }

  private static void prune(Path upper, String at, Lower lower, OpaqueProbe probe)
      throws IOException {
    FileTime mtime = Files.getLastModifiedTime(upper, LinkOption.NOFOLLOW_LINKS);
    boolean pruned = false;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(upper)) {
      for (Path child : children) {
        if (!Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String path =
            at.isEmpty() ? child.getFileName().toString() : at + "/" + child.getFileName();
        DirMetadata below = lower.directory(path);
        if (below == null) {
          continue; // new, or replacing a non-directory: a real change
        }
        prune(child, path, lower, probe);
        if (SnapshotStore.isEmptyDirectory(child)
            && DirMetadata.of(child).equals(below)
            && (lower.knownCopyUp(path) || !probe.isOpaque(child))) {
          Files.delete(child);
          pruned = true;
        }
      }
    }
    if (pruned) {
      Files.getFileAttributeView(upper, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(mtime, null, null);
    }
  }

  /** Whether {@code upper} holds a directory (only those are ever pruned). */
  static boolean hasDirectory(Path upper) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(upper)) {
      for (Path child : children) {
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A probe made by {@code scan} when it is first asked (one {@code getfattr -R}, or none). */
  static OpaqueProbe lazy(Scan scan) {
    OpaqueProbe[] made = new OpaqueProbe[1];
    return dir -> {
      if (made[0] == null) {
        try {
          made[0] = scan.run();
        } catch (LayerException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
      return made[0].isOpaque(dir);
    };
  }

  /** Makes a probe. */
  @FunctionalInterface
  interface Scan {
    OpaqueProbe run() throws LayerException;
  }
}
