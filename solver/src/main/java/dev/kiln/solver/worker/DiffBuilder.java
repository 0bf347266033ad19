package dev.kiln.solver.worker;

import dev.kiln.solver.layer.DiffFormat;
import dev.kiln.solver.layer.EntrySource;
import dev.kiln.solver.layer.EntryType;
import dev.kiln.solver.layer.LayerEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes a step's diff directory from a {@link dev.kiln.solver.layer.TreeDiff}, so that the layer
 * later read from the directory (by {@link dev.kiln.solver.layer.OverlayUpperConverter}) is exactly
 * that diff: every entry it lists and nothing else, in the same order, with the same metadata.
 * Nothing is copied: files are renamed out of an overlay upper directory that is discarded next
 * ({@code move}), or hard-linked from the native snapshotter's tree that becomes the read-only view
 * of the new snapshot; a directory the step created is moved or linked whole; directories that only
 * hold changes are created fresh with the metadata the diff read; deletions become whiteouts in the
 * worker's {@link DiffFormat}. Stateless.
 */
final class DiffBuilder {

  private DiffBuilder() {}

  /** What to do with one entry of the diff. */
  enum Type {
    /** A deletion: a whiteout at {@code path}. */
    WHITEOUT,
    /** A directory present below too: created fresh with the entry's metadata. */
    DIR,
    /** A directory that is new (or replaces a non-directory): taken whole with its content. */
    SUBTREE,
    /** Anything else: taken as it is. */
    LEAF
  }

  /**
   * One change.
   *
   * @param path the path relative to the root (for a whiteout, the deleted path)
   * @param type what to do
   * @param entry the diff's entry (metadata of a {@link Type#DIR})
   */
  record Change(String path, Type type, LayerEntry entry) {}

  /**
   * The changes of {@code diff}, where {@code lower} is the tree it was computed against and {@code
   * upper} the new tree: the descendants of a new directory are not listed (they go with it).
   */
  static List<Change> collect(EntrySource diff, Path lower, Path upper) throws IOException {
    List<Change> out = new ArrayList<>();
    String[] subtree = {null};
    diff.emit(
        e -> {
          String p = e.path();
          if (subtree[0] != null && p.startsWith(subtree[0])) {
            return;
          }
          subtree[0] = null;
          int slash = p.lastIndexOf('/');
          String base = p.substring(slash + 1);
          if (base.startsWith(LayerEntry.WHITEOUT_PREFIX)
              && !Files.exists(upper.resolve(p), LinkOption.NOFOLLOW_LINKS)) {
            String hidden = p.substring(0, slash + 1) + base.substring(4);
            out.add(new Change(hidden, Type.WHITEOUT, e));
          } else if (e.type() == EntryType.DIRECTORY) {
            if (Files.isDirectory(lower.resolve(p), LinkOption.NOFOLLOW_LINKS)) {
              out.add(new Change(p, Type.DIR, e));
            } else {
              out.add(new Change(p, Type.SUBTREE, e));
              subtree[0] = p + "/";
            }
          } else {
            out.add(new Change(p, Type.LEAF, e));
          }
        });
    return out;
  }

  /**
   * Writes {@code changes} into the new, empty directory {@code diffDir}, taking entries from
   * {@code source}: renamed when {@code move}, else hard-linked.
   */
  static void write(
      List<Change> changes,
      Path source,
      Path diffDir,
      boolean move,
      DiffFormat format,
      boolean privileged)
      throws IOException {
    List<Change> dirs = new ArrayList<>();
    for (Change c : changes) {
      Path target = diffDir.resolve(c.path());
      switch (c.type()) {
        case WHITEOUT -> whiteout(target, format);
        case DIR -> {
          Files.createDirectory(target);
          dirs.add(c);
        }
        case SUBTREE -> {
          if (move) {
            Files.move(source.resolve(c.path()), target);
          } else {
            linkTree(source.resolve(c.path()), target);
          }
        }
        case LEAF -> {
          if (move) {
            Files.move(source.resolve(c.path()), target);
          } else {
            Files.createLink(target, source.resolve(c.path()));
          }
        }
      }
    }
    // Children first: creating an entry changes its parent's mtime.
    for (int i = dirs.size() - 1; i >= 0; i--) {
      metadata(dirs.get(i).entry(), diffDir.resolve(dirs.get(i).path()), privileged);
    }
  }

  private static void whiteout(Path target, DiffFormat format) throws IOException {
    if (format.overlayForm()) {
      Files.createLink(target, format.whiteoutTemplate());
    } else {
      Files.createFile(
          target.resolveSibling(LayerEntry.WHITEOUT_PREFIX + target.getFileName().toString()));
    }
  }

  private static void metadata(LayerEntry e, Path dir, boolean privileged) throws IOException {
    if (privileged) {
      Files.setAttribute(dir, "unix:uid", (int) e.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(dir, "unix:gid", (int) e.gid(), LinkOption.NOFOLLOW_LINKS);
    }
    Files.setAttribute(dir, "unix:mode", e.mode(), LinkOption.NOFOLLOW_LINKS);
    if (!e.xattrs().isEmpty()) {
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(
              dir, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
        if (x.getKey().startsWith("user.")) {
          view.write(x.getKey().substring(5), ByteBuffer.wrap(x.getValue()));
        }
      }
    }
    FileTime t = FileTime.from(e.mtime());
    Files.getFileAttributeView(dir, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(t, t, null);
  }

  /** {@code cp -a --link}: the directory tree with new directories and hard-linked files. */
  private static void linkTree(Path from, Path to) throws IOException {
    Process p =
        new ProcessBuilder(
                "cp", "-a", "--link", "--no-target-directory", "--", from.toString(), to.toString())
            .redirectErrorStream(true)
            .start();
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(1, TimeUnit.DAYS) || p.exitValue() != 0) {
        throw new IOException("linking " + from + " into a diff directory: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("linking " + from + " was interrupted");
    } finally {
      p.destroy();
    }
  }
}
