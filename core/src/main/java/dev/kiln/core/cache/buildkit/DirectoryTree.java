package dev.kiln.core.cache.buildkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link ChecksumTree} over a directory on disk, read with {@code lstat} ({@code unix:*}
 * attributes). Java reads only the {@code user.*} extended attributes, and only of regular files
 * and directories (opening a FIFO to read them would block); {@code security.capability} is
 * therefore never seen (kiln's snapshots do not keep it either).
 */
final class DirectoryTree implements ChecksumTree {

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final int S_IFMT = 0170000;

  private final Path root;

  DirectoryTree(Path root) {
    this.root = root;
  }

  private Path host(String path) {
    Path p = root;
    for (String c : path.split("/")) {
      if (!c.isEmpty()) {
        p = p.resolve(c);
      }
    }
    return p;
  }

  @Override
  public Node lstat(String path) throws IOException {
    // A path reached through a symlinked parent does not exist in BuildKit's tree.
    Path p = root;
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isEmpty()) {
        continue;
      }
      p = p.resolve(parts[i]);
      if (i < parts.length - 1 && !Files.isDirectory(p, NOFOLLOW)) {
        return null;
      }
    }
    Map<String, Object> a;
    try {
      a = Files.readAttributes(p, "unix:mode,uid,gid,size,rdev", NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    }
    int full = (Integer) a.get("mode");
    char type =
        switch (full & S_IFMT) {
          case 0040000 -> '5';
          case 0120000 -> '2';
          case 0020000 -> '3';
          case 0060000 -> '4';
          case 0010000 -> '6';
          default -> '0';
        };
    long rdev = (Long) a.get("rdev");
    boolean device = type == '3' || type == '4';
    return new Node(
        type,
        full & 07777,
        ((Integer) a.get("uid")).longValue() & 0xffffffffL,
        ((Integer) a.get("gid")).longValue() & 0xffffffffL,
        type == '0' && (full & S_IFMT) == 0100000 ? (Long) a.get("size") : 0,
        type == '2' ? Files.readSymbolicLink(p).toString() : "",
        device ? major(rdev) : 0,
        device ? minor(rdev) : 0,
        type == '0' && (full & S_IFMT) == 0100000 || type == '5' ? userXattrs(p) : Map.of());
  }

  @Override
  public List<String> list(String path) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(host(path))) {
      ds.forEach(c -> names.add(c.getFileName().toString()));
    }
    return names;
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(host(path), NOFOLLOW);
  }

  private static Map<String, byte[]> userXattrs(Path p) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
    if (view == null) {
      return Map.of();
    }
    Map<String, byte[]> out = new TreeMap<>();
    List<String> names;
    try {
      names = view.list();
    } catch (UnsupportedOperationException | IOException e) {
      // A file system without user xattrs has none to hash.
      return Map.of();
    }
    for (String name : names) {
      ByteBuffer buf = ByteBuffer.allocate(view.size(name));
      view.read(name, buf);
      out.put("user." + name, buf.array());
    }
    return out;
  }

  /** Linux (glibc) encoding of dev_t. */
  private static long major(long rdev) {
    return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
  }

  private static long minor(long rdev) {
    return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
  }
}
