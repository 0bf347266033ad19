package dev.kiln.solver.snapshot;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Snapshotter without mounts, for hosts where overlay cannot be used (not root, no overlay, or a
 * snapshot root on overlayfs). Each snapshot is a real directory tree {@code <root>/<key>/fs},
 * merged from the chain with whiteouts applied (see {@link Snapshotter} for the formats).
 *
 * <p>Copy strategy, chosen so that no write can ever reach a lower directory:
 *
 * <ul>
 *   <li>{@link #prepare} (a RUN's writable rootfs) copies file contents ({@code cp -a
 *       --reflink=auto}: a copy-on-write clone on btrfs or xfs, a full copy elsewhere). Hard links
 *       would be wrong here: a process that opens a file for writing, or runs chmod or chown on it,
 *       changes the shared inode and so the lower layer and every snapshot built on it.
 *   <li>{@link #view} (a read-only input) hard-links regular files ({@code cp -al}), which is safe
 *       because the view is only ever bind-mounted read-only, and costs one link per file instead
 *       of the bytes. A view of one layer is that layer's directory itself.
 * </ul>
 *
 * {@link #commit} hands back the full tree; the differ compares it with the chain. Thread-safe.
 */
public final class NativeSnapshotter implements Snapshotter {

  private final Path root;
  private final Map<String, SnapshotHandle> snapshots = new ConcurrentHashMap<>();

  /**
   * @param root directory for the snapshots (created if missing); ideally on the same filesystem as
   *     the layer directories, so that views can hard-link
   */
  public NativeSnapshotter(Path root) {
    this.root = root.toAbsolutePath();
  }

  @Override
  public String name() {
    return "native";
  }

  @Override
  public SnapshotHandle prepare(String key, List<Path> lowerDirs) throws SnapshotException {
    return make(key, lowerDirs, false, false);
  }

  /**
   * Prepares a writable rootfs whose regular files are hard links of the lowers' ({@code cp -al}):
   * no data is copied, so it is only for writers that never write into an existing file, or change
   * its mode, owner or times, but replace it with a new one (kiln's file op executor does). A
   * process run in it could corrupt the lowers: use {@link #prepare} for that.
   *
   * @param key a new key
   * @param lowerDirs the parent chain, bottom first
   * @return the handle; its {@code rootfs} may be written by replacing files only
   * @throws SnapshotException when the key exists or the rootfs cannot be made
   */
  public SnapshotHandle prepareLinked(String key, List<Path> lowerDirs) throws SnapshotException {
    return make(key, lowerDirs, false, true);
  }

  @Override
  public SnapshotHandle view(String key, List<Path> lowerDirs) throws SnapshotException {
    return make(key, lowerDirs, true, true);
  }

  private SnapshotHandle make(String key, List<Path> lowerDirs, boolean readOnly, boolean link)
      throws SnapshotException {
    Trees.checkKey(key);
    Path dir = root.resolve(key);
    try {
      Files.createDirectories(root);
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new SnapshotException("snapshot " + key + " already exists under " + root, e);
    } catch (IOException e) {
      throw new SnapshotException("creating snapshot " + key + ": " + e.getMessage(), e);
    }
    try {
      Path rootfs;
      if (readOnly && lowerDirs.size() == 1) {
        rootfs = lowerDirs.get(0);
      } else {
        rootfs = Files.createDirectory(dir.resolve("fs"));
        Trees.merge(lowerDirs, rootfs, link);
      }
      SnapshotHandle h = new SnapshotHandle(key, rootfs, lowerDirs, readOnly);
      snapshots.put(key, h);
      return h;
    } catch (IOException e) {
      try {
        Trees.deleteTree(dir);
      } catch (IOException ignored) {
        // The original failure is what the user needs to see.
      }
      throw new SnapshotException(
          "preparing native snapshot " + key + " from " + lowerDirs + ": " + e.getMessage(), e);
    }
  }

  @Override
  public SnapshotChanges commit(String key) throws SnapshotException {
    SnapshotHandle h = snapshots.get(key);
    if (h == null || h.readOnly()) {
      throw new SnapshotException("no writable native snapshot " + key + " to commit");
    }
    return new SnapshotChanges(SnapshotChanges.Kind.NATIVE_TREE, h.rootfs(), h.lowerDirs());
  }

  @Override
  public void remove(String key) throws SnapshotException {
    Trees.checkKey(key);
    snapshots.remove(key);
    try {
      Trees.deleteTree(root.resolve(key));
    } catch (IOException e) {
      throw new SnapshotException("removing native snapshot " + key + ": " + e.getMessage(), e);
    }
  }

  /** Nothing to release: native snapshots hold no mounts. */
  @Override
  public void close() {}
}
