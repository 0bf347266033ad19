package dev.kiln.solver.fileop;

import dev.kiln.solver.layer.Coreutils;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies one source object (file, symlink or directory tree) to a target path in the destination
 * for one copy action. Symlinks inside the tree are copied as symlinks (their text unchanged);
 * files that are hard links of each other in the source become hard links in the copy; mode, mtime
 * and {@code user.*} xattrs are kept; ownership is the action's owner, else the source's (only when
 * privileged); the action's mode, when set, replaces every file's and directory's mode. File data
 * is streamed by {@link Files#copy(Path, Path, java.nio.file.CopyOption...)}.
 *
 * <p>Targets are built below a directory that was resolved inside the destination root, and each
 * existing target is inspected with {@code lstat}: a symlink in the way is replaced, never written
 * through. One instance per copy action; not thread-safe.
 */
final class TreeCopier {
  private final RootedFs dest;
  private final int mode;
  private final UserDb.Ids owner;
  private final boolean privileged;
  private final String action;
  private final Map<Object, Path> firstLinks = new HashMap<>();

  TreeCopier(RootedFs dest, int mode, UserDb.Ids owner, boolean privileged, String action) {
    this.dest = dest;
    this.mode = mode;
    this.owner = owner;
    this.privileged = privileged;
    this.action = action;
  }

  /** Copies {@code src} (not followed if a symlink) to {@code target}. */
  void copy(Path src, Path target) throws IOException, FileOpException {
    copy(src, target, false);
  }

  /**
   * {@code nested}: {@code target} is below the copy's top-level target, where an existing
   * directory takes the source directory's metadata (fsutil's overwriteTargetMetadata).
   */
  private void copy(Path src, Path target, boolean nested) throws IOException, FileOpException {
    Map<String, Object> a = Attrs.lstat(src);
    if ((Boolean) a.get("isDirectory")) {
      copyDir(src, target, a, nested);
    } else {
      copyLeaf(src, target, a);
    }
  }

  private void copyDir(Path src, Path target, Map<String, Object> a, boolean nested)
      throws IOException, FileOpException {
    var existing = RootedFs.lstat(target);
    boolean created = existing == null;
    if (created) {
      Files.createDirectory(target);
      // Writable for our own children even if the source is read-only; fixed in metadata().
      Attrs.chmod(target, 0700);
    } else if (!existing.isDirectory()) {
      throw new FileOpException(
          action + " failed: cannot copy directory onto non-directory " + dest.display(target));
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(src)) {
      for (Path child : ds) {
        names.add(child.getFileName().toString());
      }
    }
    names.sort(null);
    for (String name : names) {
      copy(src.resolve(name), target.resolve(name), true);
    }
    if (created || nested) {
      // The existing top-level target keeps its own metadata; an existing directory inside the
      // copied tree takes the source's, as fsutil's copy does (see FILEOP.md).
      metadata(src, target, a, false, true);
    }
  }

  private void copyLeaf(Path src, Path target, Map<String, Object> a)
      throws IOException, FileOpException {
    boolean symlink = (Boolean) a.get("isSymbolicLink");
    boolean regular = (Boolean) a.get("isRegularFile");
    if (!symlink && !regular) {
      if ((Boolean) a.get("isOther") && isSocket(a)) {
        // fsutil copies a socket as a stub: mknod without the socket type, an empty regular file
        // with the socket's permissions (the docker CLI sends one from the context the same way)
        clear(target);
        Files.createFile(target);
        metadata(src, target, a, false, false);
        return;
      }
      if (isFifo(a)) {
        // fsutil's copy makes FIFOs (mknod with the source's type); dockerd 20.10's skipped them
        clear(target);
        Coreutils.mkfifo(target);
        Coreutils.metadata(
            target,
            privileged,
            owner != null ? owner.uid() : Attrs.uid(a),
            owner != null ? owner.gid() : Attrs.gid(a),
            mode >= 0 ? mode : Attrs.mode(a),
            ((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond());
        return;
      }
      throw new FileOpException(
          action
              + " failed: "
              + src.getFileName()
              + " is a device node, which kiln's file op does not copy");
    }
    clear(target);
    if (symlink) {
      Files.createSymbolicLink(target, Files.readSymbolicLink(src));
      metadata(src, target, a, true, false);
      return;
    }
    Object key = a.get("fileKey");
    if ((Integer) a.get("nlink") > 1 && key != null) {
      Path first = firstLinks.putIfAbsent(key, target);
      if (first != null) {
        Files.createLink(target, first);
        return;
      }
    }
    Files.copy(src, target);
    metadata(src, target, a, false, true);
  }

  /** Removes a non-directory in the way; a directory in the way of a file is an error. */
  private void clear(Path target) throws IOException, FileOpException {
    var existing = RootedFs.lstat(target);
    if (existing == null) {
      return;
    }
    if (existing.isDirectory()) {
      throw new FileOpException(
          action + " failed: cannot overwrite directory " + dest.display(target) + " with a file");
    }
    Files.delete(target);
  }

  /**
   * Owner, mode, {@code user.*} xattrs ({@code xattrs}: only a file or directory has them), mtime.
   */
  private void metadata(
      Path src, Path target, Map<String, Object> a, boolean symlink, boolean xattrs)
      throws IOException {
    if (privileged) {
      if (owner != null) {
        Attrs.chown(target, owner.uid(), owner.gid());
      } else {
        Attrs.chown(target, Attrs.uid(a), Attrs.gid(a));
      }
    }
    if (!symlink) {
      Attrs.chmod(target, mode >= 0 ? mode : Attrs.mode(a));
      if (xattrs) {
        Attrs.copyUserXattrs(src, target);
      }
    }
    Attrs.setMtime(target, (FileTime) a.get("lastModifiedTime"), symlink);
  }

  private static boolean isFifo(Map<String, Object> a) {
    return ((Integer) a.get("mode") & 0170000) == 0010000;
  }

  private static boolean isSocket(Map<String, Object> a) {
    return ((Integer) a.get("mode") & 0170000) == 0140000;
  }
}
