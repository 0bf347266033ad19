package dev.kiln.solver.fileop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;

/**
 * Metadata helpers over {@code unix:*} attributes, never following a symlink: ownership with {@code
 * lchown}, mode bits including setuid/setgid/sticky, mtimes, and the {@code user.*} xattrs (the
 * only namespace Java can read and write). Stateless.
 */
final class Attrs {
  private Attrs() {}

  /** The {@code unix:*} lstat of {@code p}. */
  static Map<String, Object> lstat(Path p) throws IOException {
    return Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
  }

  static long uid(Map<String, Object> a) {
    return ((Integer) a.get("uid")).longValue() & 0xffffffffL;
  }

  static long gid(Map<String, Object> a) {
    return ((Integer) a.get("gid")).longValue() & 0xffffffffL;
  }

  static int mode(Map<String, Object> a) {
    return (Integer) a.get("mode") & 07777;
  }

  static void chown(Path p, long uid, long gid) throws IOException {
    Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** chmod; call after {@link #chown}, which clears setuid/setgid. Not for symlinks. */
  static void chmod(Path p, int mode) throws IOException {
    Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
  }

  static void setMtime(Path p, FileTime mtime, boolean symlink) throws IOException {
    BasicFileAttributeView view =
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    try {
      view.setTimes(mtime, mtime, null);
    } catch (IOException | UnsupportedOperationException e) {
      if (!symlink) {
        throw e;
      }
      // Some JDKs cannot set a symlink's own times; a link's mtime is not part of any identity.
    }
  }

  /** Copies the {@code user.*} xattrs of a regular file or directory. */
  static void copyUserXattrs(Path src, Path dst) throws IOException {
    UserDefinedFileAttributeView from =
        Files.getFileAttributeView(
            src, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (from == null) {
      return;
    }
    java.util.List<String> names;
    try {
      names = from.list();
    } catch (UnsupportedOperationException e) {
      return;
    }
    if (names.isEmpty()) {
      return;
    }
    UserDefinedFileAttributeView to =
        Files.getFileAttributeView(
            dst, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    for (String name : names) {
      ByteBuffer buf = ByteBuffer.allocate(from.size(name));
      from.read(name, buf);
      buf.flip();
      to.write(name, buf);
    }
  }
}
