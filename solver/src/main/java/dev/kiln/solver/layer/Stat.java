package dev.kiln.solver.layer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lstat of a path as read through {@code Files.readAttributes(p, "unix:…", NOFOLLOW_LINKS)},
 * plus the helpers that turn it into a {@link LayerEntry}. Only the {@code user.*} xattrs are
 * readable from Java, and only of regular files and directories (reading them opens the file, which
 * would block on a FIFO).
 */
record Stat(
    EntryType type,
    int mode,
    long uid,
    long gid,
    long size,
    Instant mtime,
    long rdev,
    long dev,
    long ino,
    int nlink,
    boolean socket) {

  private static final int S_IFMT = 0170000;

  /**
   * The fields used, by name: {@code unix:*} would also resolve the owner and group names (a passwd
   * and a group lookup per file, ~10 % of writing a tar).
   */
  private static final String ATTRIBUTES =
      "unix:mode,uid,gid,size,lastModifiedTime,rdev,dev,ino,nlink";

  /** The lstat of {@code p}, or null for a socket (sockets are skipped, as containerd does). */
  static Stat of(Path p) throws IOException {
    return of(p, false);
  }

  /**
   * The lstat of {@code p}; a socket is null, or with {@code socketAsFile} an empty regular file
   * with the socket's permissions (as fsutil's {@code mkstat} sends a build context's socket).
   */
  static Stat of(Path p, boolean socketAsFile) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int full = (Integer) a.get("mode");
    EntryType type =
        switch (full & S_IFMT) {
          case 0040000 -> EntryType.DIRECTORY;
          case 0120000 -> EntryType.SYMLINK;
          case 0020000 -> EntryType.CHAR_DEVICE;
          case 0060000 -> EntryType.BLOCK_DEVICE;
          case 0010000 -> EntryType.FIFO;
          case 0100000 -> EntryType.FILE;
          case 0140000 -> socketAsFile ? EntryType.FILE : null;
          default -> throw new IOException("unsupported file type at " + p);
        };
    if (type == null) {
      return null;
    }
    boolean socket = (full & S_IFMT) == 0140000;
    return new Stat(
        type,
        full & 07777,
        ((Integer) a.get("uid")).longValue() & 0xffffffffL,
        ((Integer) a.get("gid")).longValue() & 0xffffffffL,
        socket ? 0 : (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).toInstant(),
        (Long) a.get("rdev"),
        (Long) a.get("dev"),
        (Long) a.get("ino"),
        socket ? 1 : (Integer) a.get("nlink"),
        socket);
  }

  /** Linux (glibc) encoding of dev_t. */
  int major() {
    return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
  }

  int minor() {
    return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
  }

  /** The layer entry for {@code p} at {@code relPath}; file content is opened lazily. */
  LayerEntry toEntry(String relPath, Path p) throws IOException {
    LayerEntry.Builder b =
        LayerEntry.builder(relPath, type).mode(mode).owner(uid, gid).mtime(mtime);
    switch (type) {
      case FILE -> {
        // a socket sent as a file has no content to open
        b.content(size, socket ? ContentSource.ofBytes(new byte[0]) : ContentSource.ofFile(p));
        if (nlink > 1) {
          b.fileId(new LayerEntry.FileId(dev, ino));
        }
      }
      case SYMLINK -> b.linkTarget(Files.readSymbolicLink(p).toString());
      case CHAR_DEVICE, BLOCK_DEVICE -> b.device(major(), minor());
      default -> {}
    }
    if ((type == EntryType.FILE && !socket) || type == EntryType.DIRECTORY) {
      b.xattrs(userXattrs(p));
    }
    return b.build();
  }

  /** The {@code user.*} xattrs of a regular file or directory, keyed by full name. */
  static Map<String, byte[]> userXattrs(Path p) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    Map<String, byte[]> out = new TreeMap<>();
    if (view == null) {
      return out;
    }
    for (String name : view.list()) {
      ByteBuffer buf = ByteBuffer.allocate(view.size(name));
      view.read(name, buf);
      out.put("user." + name, Arrays.copyOf(buf.array(), buf.position()));
    }
    return out;
  }

  /** Sorts directory entry names by their UTF-8 bytes, as Go's filepath.Walk orders them. */
  static int compareNames(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
