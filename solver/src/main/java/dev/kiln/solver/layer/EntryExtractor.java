package dev.kiln.solver.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Writes one tar entry at a time into a snapshot root for {@link LayerApplier} (or a destination
 * directory for {@link ArchiveUnpacker}): resolves the path with {@link SafeResolver}, handles
 * whiteouts (layers only, see {@link ExtractRules}), replaces what is in the way, creates the
 * object and sets its metadata. Directory mtimes are set in {@link #finish()}, after their
 * children. One instance per apply; not thread-safe.
 */
final class EntryExtractor {
  private static final String XATTR_PAX = "SCHILY.xattr.";

  private final Path root;
  private final ExtractRules rules;
  private final String layer;
  private final boolean privileged;
  private final SafeResolver resolver;
  private final Set<Path> written = new HashSet<>();
  private final Deque<DirTime> dirTimes = new ArrayDeque<>();

  private record DirTime(Path dir, FileTime mtime) {}

  private final byte[] buffer = new byte[64 * 1024];

  EntryExtractor(Path root, ExtractRules rules, boolean privileged) {
    this.root = root;
    this.rules = rules;
    this.layer = rules.subject();
    this.privileged = privileged;
    this.resolver = new SafeResolver(root, rules);
  }

  void extract(TarArchiveEntry e, InputStream data) throws IOException, LayerException {
    String name = e.getName();
    if (e.isSparse()) {
      throw new UnsafeLayerException(
          layer + ": entry '" + name + "' is a sparse file, which kiln does not apply");
    }
    List<String> parts = resolver.components(name);
    if (parts.isEmpty()) {
      return; // "./": the snapshot root keeps its own metadata.
    }
    String base = parts.get(parts.size() - 1);
    Path dir = resolver.resolveDir(parts.subList(0, parts.size() - 1), name, true);
    if (rules.layer() && base.startsWith(LayerEntry.WHITEOUT_PREFIX)) {
      whiteout(dir, base, name);
      return;
    }
    Path target = dir.resolve(base);
    BasicFileAttributes existing = SafeResolver.lstat(target);
    if (existing != null && !(existing.isDirectory() && e.isDirectory())) {
      deleteTree(target);
    }
    for (Path p = dir; p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      // Parents this layer created or wrote into survive an opaque marker of their directory.
      written.add(p);
    }
    if (!create(e, target, data, name)) {
      return;
    }
    written.add(target);
    if (!e.isFIFO() && !e.isCharacterDevice() && !e.isBlockDevice()) {
      metadata(e, target);
    }
  }

  private boolean create(TarArchiveEntry e, Path target, InputStream data, String name)
      throws IOException, LayerException {
    if (e.isDirectory()) {
      if (SafeResolver.lstat(target) == null) {
        Files.createDirectory(target);
      }
    } else if (e.isSymbolicLink()) {
      Files.createSymbolicLink(target, Paths.get(e.getLinkName()));
    } else if (e.isLink()) {
      List<String> lp = resolver.components(e.getLinkName());
      Path ldir =
          lp.isEmpty() ? null : resolver.resolveDir(lp.subList(0, lp.size() - 1), name, false);
      Path source = ldir == null ? null : ldir.resolve(lp.get(lp.size() - 1));
      BasicFileAttributes sa = source == null ? null : SafeResolver.lstat(source);
      if (sa == null || sa.isDirectory()) {
        throw new LayerException(
            layer
                + ": hard link '"
                + name
                + "' -> '"
                + e.getLinkName()
                + "' needs an existing non-directory inside "
                + rules.rootName());
      }
      Files.createLink(target, source);
      return true; // a hard link shares the metadata of its target
    } else if (e.isCharacterDevice() || e.isBlockDevice()) {
      if (!privileged) {
        return false;
      }
      Coreutils.run(
          "mknod",
          "-m",
          "0600",
          "--",
          target.toString(),
          e.isCharacterDevice() ? "c" : "b",
          Integer.toString(e.getDevMajor()),
          Integer.toString(e.getDevMinor()));
      specialMetadata(e, target);
      return true;
    } else if (e.isFIFO()) {
      Coreutils.mkfifo(target);
      specialMetadata(e, target);
      return true;
    } else if (isRegular(e)) {
      try (OutputStream out =
          Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        int n;
        while ((n = data.read(buffer)) > 0) {
          out.write(buffer, 0, n);
        }
      }
    } else {
      throw new UnsafeLayerException(
          layer + ": entry '" + name + "' has an unsupported tar entry type");
    }
    return true;
  }

  /** commons-compress' isFile() is true for any non-directory; this is the regular-file test. */
  private static boolean isRegular(TarArchiveEntry e) {
    return e.isFile()
        && !e.isSymbolicLink()
        && !e.isLink()
        && !e.isFIFO()
        && !e.isCharacterDevice()
        && !e.isBlockDevice();
  }

  private void metadata(TarArchiveEntry e, Path target) throws IOException {
    if (e.isLink()) {
      return;
    }
    boolean symlink = e.isSymbolicLink();
    if (privileged) {
      Files.setAttribute(
          target, "unix:uid", (int) rules.uidOf(e.getLongUserId()), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(
          target, "unix:gid", (int) rules.gidOf(e.getLongGroupId()), LinkOption.NOFOLLOW_LINKS);
    }
    if (!symlink) {
      // After chown, which clears setuid/setgid.
      Files.setAttribute(target, "unix:mode", e.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
    }
    if (isRegular(e) || e.isDirectory()) {
      writeXattrs(e, target);
    }
    FileTime mtime = e.getLastModifiedTime();
    if (e.isDirectory()) {
      dirTimes.push(new DirTime(target, mtime));
    } else {
      setMtime(target, mtime, symlink);
    }
  }

  /** Metadata of FIFOs and device nodes ({@link Coreutils}). */
  private void specialMetadata(TarArchiveEntry e, Path target) throws IOException {
    Coreutils.metadata(
        target,
        privileged,
        rules.uidOf(e.getLongUserId()),
        rules.gidOf(e.getLongGroupId()),
        e.getMode(),
        e.getLastModifiedTime().toInstant().getEpochSecond());
  }

  private void writeXattrs(TarArchiveEntry e, Path target) throws IOException {
    UserDefinedFileAttributeView view = null;
    for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
      String key = h.getKey();
      if (!key.startsWith(XATTR_PAX + "user.")) {
        continue; // trusted.*, security.*: no Java API; documented on LayerApplier
      }
      if (view == null) {
        view =
            Files.getFileAttributeView(
                target, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      }
      view.write(
          key.substring(XATTR_PAX.length() + 5),
          ByteBuffer.wrap(h.getValue().getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static void setMtime(Path target, FileTime mtime, boolean symlink) throws IOException {
    BasicFileAttributeView view =
        Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    try {
      view.setTimes(mtime, mtime, null);
    } catch (IOException | UnsupportedOperationException ex) {
      if (!symlink) {
        throw ex;
      }
      // Some JDKs cannot set a symlink's own times; its mtime is not part of any identity.
    }
  }

  private void whiteout(Path dir, String base, String name) throws IOException, LayerException {
    DiffFormat diff = rules.diff();
    if (base.equals(LayerEntry.OPAQUE_MARKER)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path child : ds) {
          if (!written.contains(child)) {
            deleteTree(child);
          }
        }
      }
      if (diff != null && diff.overlayForm()) {
        Coreutils.run("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", "--", dir.toString());
      } else if (diff != null) {
        marker(dir.resolve(base));
      }
      return;
    }
    String hidden = base.substring(LayerEntry.WHITEOUT_PREFIX.length());
    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
      throw new UnsafeLayerException(layer + ": whiteout '" + name + "' is malformed");
    }
    deleteTree(dir.resolve(hidden));
    if (diff != null && diff.overlayForm()) {
      Files.createLink(dir.resolve(hidden), diff.whiteoutTemplate());
      written.add(dir.resolve(hidden));
    } else if (diff != null) {
      marker(dir.resolve(base));
    }
  }

  /** An empty OCI marker file, kept in a diff directory of the OCI form. */
  private void marker(Path p) throws IOException {
    deleteTree(p);
    Files.createFile(p);
    written.add(p);
  }

  /** Sets directory mtimes, deepest last-created first, now that no child will change them. */
  void finish() throws IOException {
    while (!dirTimes.isEmpty()) {
      DirTime d = dirTimes.pop();
      setMtime(d.dir(), d.mtime(), false);
    }
  }

  /**
   * Deletes {@code p} and, for a real directory, everything below it; symlinks are not followed.
   */
  static void deleteTree(Path p) throws IOException {
    BasicFileAttributes a = SafeResolver.lstat(p);
    if (a == null) {
      return;
    }
    if (!a.isDirectory()) {
      Files.delete(p);
      return;
    }
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
