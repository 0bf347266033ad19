package dev.kiln.solver.layer;

import dev.kiln.oci.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Builds small trees for tests and describes trees for whole-tree comparisons. */
public final class Trees {
  static final Instant T0 = Instant.parse("2024-01-02T03:04:05Z");

  private Trees() {}

  static Path file(Path root, String rel, String content, int mode) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setAttribute(p, "unix:mode", mode);
    Files.setLastModifiedTime(p, FileTime.from(T0));
    return p;
  }

  /** A Unix domain socket file at {@code rel} (bound, then closed: the file stays). */
  public static Path socket(Path root, String rel, int mode) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    try (var server =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(java.net.UnixDomainSocketAddress.of(p));
    }
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  static Path dir(Path root, String rel, int mode) throws IOException {
    Path p = Files.createDirectories(root.resolve(rel));
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  static void xattr(Path p, String userName, String value) throws IOException {
    Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
        .write(userName, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + ": " + out);
    }
  }

  static String output(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + ": " + out);
    }
    return out;
  }

  /** Sets every directory's mtime to T0 (creating children changes them), deepest first. */
  static void settleDirTimes(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.equals(root)) {
          Files.setLastModifiedTime(p, FileTime.from(T0));
        }
      }
    }
  }

  /**
   * Path → type, mode, owner, mtime (seconds; not for symlinks), content digest or link target,
   * device numbers, user xattrs, and which earlier path shares the inode.
   */
  static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Map<Object, String> inodes = new TreeMap<>();
    DirectoryWalker.of(root)
        .emit(
            e -> {
              Path p = root.resolve(e.path());
              StringBuilder sb = new StringBuilder();
              sb.append(e.type()).append(' ').append(Integer.toOctalString(e.mode()));
              sb.append(' ').append(e.uid()).append(':').append(e.gid());
              if (e.type() != EntryType.SYMLINK) {
                sb.append(" t=").append(e.mtime().getEpochSecond());
              }
              switch (e.type()) {
                case FILE -> sb.append(" sha=").append(Digests.sha256(p).digest().hex(), 0, 12);
                case SYMLINK -> sb.append(" -> ").append(e.linkTarget());
                case CHAR_DEVICE, BLOCK_DEVICE ->
                    sb.append(" dev=").append(e.devMajor()).append(',').append(e.devMinor());
                default -> {}
              }
              e.xattrs()
                  .forEach(
                      (k, v) ->
                          sb.append(' ')
                              .append(k)
                              .append('=')
                              .append(new String(v, StandardCharsets.UTF_8)));
              if (e.fileId() != null) {
                String key = e.fileId().dev() + ":" + e.fileId().ino();
                String first = inodes.putIfAbsent(key, e.path());
                sb.append(" inode=").append(first == null ? e.path() : first);
              }
              out.put(e.path(), sb.toString());
            });
    return out;
  }
}
