package dev.kiln.core.cache;

import dev.kiln.core.pattern.Glob;
import dev.kiln.core.port.ContentChecksummer;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathFilter;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ContentChecksummer} over a directory tree with {@code java.nio}, implementing the
 * algorithm {@code kiln.contenthash.v1} specified in {@code core/README.md}. File contents are
 * streamed through a 64 KiB buffer; nothing is read whole into memory. Stateless and thread-safe.
 */
public final class DirectoryChecksummer implements ContentChecksummer {

  /** Version tag hashed into every entry header; bump it when the algorithm changes. */
  public static final String VERSION = "kiln.contenthash.v1";

  private static final int MAX_SYMLINK_HOPS = 40;
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  @Override
  public Digest checksum(Path root, ContentSelection selection, PathFilter filter)
      throws IOException {
    Path base = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(base)) {
      throw new NoSuchFileException(root.toString(), null, "snapshot root is not a directory");
    }
    List<PathSelector> paths =
        selection.paths().isEmpty() ? ContentSelection.all().paths() : selection.paths();
    MessageDigest all = Digests.newSha256();
    for (int i = 0; i < paths.size(); i++) {
      if (i > 0) {
        all.update((byte) 0);
      }
      all.update(selector(base, paths.get(i), filter).toString().getBytes(StandardCharsets.UTF_8));
    }
    return Digest.sha256(all.digest());
  }

  private Digest selector(Path root, PathSelector sel, PathFilter filter) throws IOException {
    if (!sel.hasWildcard()) {
      Path p = ScopedPaths.resolve(root, sel.path(), sel.followSymlinks(), MAX_SYMLINK_HOPS);
      Digest d = Files.exists(p, NOFOLLOW) ? located(root, p, filter) : null;
      if (d == null) {
        throw new NoSuchFileException(sel.path(), null, "selected path not found in snapshot");
      }
      return d;
    }
    int slash = sel.path().lastIndexOf('/');
    Path dir =
        ScopedPaths.resolve(root, sel.path().substring(0, slash + 1), true, MAX_SYMLINK_HOPS);
    String glob = sel.path().substring(slash + 1);
    MessageDigest md = header("wildcard");
    if (Files.isDirectory(dir)) {
      for (Path child : sortedChildren(dir)) {
        String name = child.getFileName().toString();
        Path target =
            sel.followSymlinks()
                ? ScopedPaths.resolve(root, "/" + rel(root, child), true, MAX_SYMLINK_HOPS)
                : child;
        if (Glob.match(glob, name) && Files.exists(target, NOFOLLOW)) {
          Digest d = located(root, target, filter);
          if (d != null) {
            pair(md, name, d);
          }
        }
      }
    }
    return Digest.sha256(md.digest());
  }

  /**
   * The digest of {@code p} as the filter sees it from the top: its parents are matched first (a
   * pruned parent hides it); null when it does not take part.
   */
  private Digest located(Path root, Path p, PathFilter filter) throws IOException {
    if (p.equals(root)) {
      return entry(root, p, filter, true);
    }
    String rel = rel(root, p);
    PathFilter f = filter;
    for (int slash = rel.indexOf('/'); slash >= 0; slash = rel.indexOf('/', slash + 1)) {
      f = f.match(rel.substring(0, slash), true).below();
      if (f == null) {
        return null;
      }
    }
    boolean isDir = Files.isDirectory(p, NOFOLLOW);
    PathFilter.Match m = f.match(rel, isDir);
    if (isDir) {
      return m.below() == null ? null : entry(root, p, m.below(), m.included());
    }
    return m.included() ? entry(root, p, PathFilter.ALL, true) : null;
  }

  /**
   * The digest of one entry; a directory's entries are matched with {@code below}. A directory that
   * is not {@code included} by itself takes part only when an entry below it does; otherwise the
   * result is null.
   */
  private Digest entry(Path root, Path p, PathFilter below, boolean included) throws IOException {
    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
    if (a.isSymbolicLink()) {
      MessageDigest md = header("symlink");
      field(md, Files.readSymbolicLink(p).toString());
      return Digest.sha256(md.digest());
    }
    if (a.isDirectory()) {
      return directory(root, p, below, included);
    }
    if (a.isRegularFile()) {
      MessageDigest md = header("file");
      field(md, Integer.toOctalString(mode(p)));
      field(md, Long.toString(a.size()));
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = Files.newInputStream(p, NOFOLLOW)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      }
      return Digest.sha256(md.digest());
    }
    MessageDigest md = header("other");
    field(md, Integer.toOctalString(mode(p)));
    return Digest.sha256(md.digest());
  }

  private Digest directory(Path root, Path p, PathFilter below, boolean included)
      throws IOException {
    MessageDigest md = header("dir");
    field(md, Integer.toOctalString(mode(p)));
    List<Path> children;
    try {
      children = sortedChildren(p);
    } catch (AccessDeniedException e) {
      if (included) {
        throw e;
      }
      // BuildKit's walker, too, ignores an unreadable directory that is excluded.
      return null;
    }
    boolean any = false;
    for (Path child : children) {
      boolean isDir = Files.isDirectory(child, NOFOLLOW);
      PathFilter.Match m = below.match(rel(root, child), isDir);
      Digest d = null;
      if (isDir && m.below() != null) {
        d = directory(root, child, m.below(), m.included());
      } else if (!isDir && m.included()) {
        d = entry(root, child, PathFilter.ALL, true);
      }
      if (d != null) {
        pair(md, child.getFileName().toString(), d);
        any = true;
      }
    }
    return included || any ? Digest.sha256(md.digest()) : null;
  }

  private static MessageDigest header(String type) {
    MessageDigest md = Digests.newSha256();
    field(md, VERSION);
    field(md, type);
    return md;
  }

  private static void field(MessageDigest md, String value) {
    md.update(value.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
  }

  private static void pair(MessageDigest md, String name, Digest digest) {
    field(md, name);
    field(md, digest.toString());
  }

  private static List<Path> sortedChildren(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    }
    // Byte order of the UTF-8 names, so the order does not depend on the JDK's String collation.
    out.sort((x, y) -> compareUtf8(x.getFileName().toString(), y.getFileName().toString()));
    return out;
  }

  static int compareUtf8(String x, String y) {
    return java.util.Arrays.compareUnsigned(
        x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
  }

  private static int mode(Path p) throws IOException {
    try {
      return ((Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW)) & 07777;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // Non-unix file systems: derive the permission bits from the POSIX view (no setuid etc.).
      int m = 0;
      for (PosixFilePermission perm : Files.getPosixFilePermissions(p, NOFOLLOW)) {
        m |= 1 << (8 - perm.ordinal());
      }
      return m;
    }
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
  }
}
