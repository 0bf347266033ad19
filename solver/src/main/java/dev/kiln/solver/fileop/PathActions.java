package dev.kiln.solver.fileop;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.pattern.Glob;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * mkdir, mkfile, rm and symlink on the destination root. Parents are always resolved inside the
 * root ({@link RootedFs}); the last component is followed (inside the root) for mkdir and mkfile,
 * as BuildKit does, and never for rm and symlink. Stateless apart from its settings.
 */
final class PathActions {
  private final RootedFs dest;
  private final FileOpExecutor.Options options;

  PathActions(RootedFs dest, FileOpExecutor.Options options) {
    this.dest = dest;
    this.options = options;
  }

  void mkdir(FileAction.Mkdir a, UserDb.Ids owner) throws IOException, FileOpException {
    String what = "mkdir " + a.path();
    int mode = a.mode() < 0 ? 0755 : a.mode();
    Path p = dest.resolve(a.path(), true);
    BasicFileAttributes existing = RootedFs.lstat(p);
    if (existing != null) {
      if (!existing.isDirectory()) {
        throw new FileOpException(what + ": " + a.path() + " exists and is not a directory");
      }
      return; // BuildKit: an existing directory is success and keeps its metadata
    }
    if (a.makeParents()) {
      List<Path> created = new ArrayList<>();
      dest.mkdirs(p, created::add);
      for (Path d : created) {
        finish(d, mode, owner, false);
      }
      return;
    }
    BasicFileAttributes parent = RootedFs.lstat(p.getParent());
    if (parent == null || !parent.isDirectory()) {
      throw new FileOpException(
          what + ": parent " + parentOf(a.path()) + " does not exist (use parents)");
    }
    Files.createDirectory(p);
    finish(p, mode, owner, false);
  }

  void mkfile(FileAction.Mkfile a, UserDb.Ids owner) throws IOException, FileOpException {
    String what = "mkfile " + a.path();
    Path p = dest.resolve(a.path(), true);
    if (p.equals(dest.root())) {
      throw new FileOpException(what + ": is the root directory");
    }
    requireParent(p, what);
    BasicFileAttributes existing = RootedFs.lstat(p);
    if (existing != null && existing.isDirectory()) {
      throw new FileOpException(what + ": " + a.path() + " is a directory");
    }
    if (existing != null) {
      // Replaced, never written into: the destination may share inodes with read-only snapshots.
      Files.delete(p);
    }
    Files.write(p, a.data(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    finish(p, a.mode() < 0 ? 0644 : a.mode(), owner, false);
  }

  void rm(FileAction.Rm a) throws IOException, FileOpException {
    String what = "rm " + a.path();
    List<String> paths;
    if (a.allowWildcard() && Glob.hasMeta(a.path())) {
      try {
        paths = dest.glob(a.path());
      } catch (IllegalArgumentException e) {
        throw new FileOpException(what + ": " + e.getMessage());
      }
      if (paths.isEmpty() && !a.allowNotFound()) {
        throw new FileOpException(what + ": no file matches (use allowNotFound)");
      }
    } else {
      paths = List.of(a.path());
    }
    for (String path : paths) {
      Path p = dest.resolve(path, false);
      if (p.equals(dest.root())) {
        throw new FileOpException(what + ": cannot remove the root directory");
      }
      if (RootedFs.lstat(p) == null) {
        if (a.allowNotFound()) {
          continue;
        }
        throw new FileOpException(what + ": no such file or directory (use allowNotFound)");
      }
      deleteTree(p);
    }
  }

  void symlink(FileAction.Symlink a) throws IOException, FileOpException {
    String what = "symlink " + a.newPath() + " -> " + a.oldPath();
    Path p = dest.resolve(a.newPath(), false);
    if (p.equals(dest.root())) {
      throw new FileOpException(what + ": is the root directory");
    }
    requireParent(p, what);
    if (RootedFs.lstat(p) != null) {
      throw new FileOpException(what + ": " + a.newPath() + " already exists");
    }
    Files.createSymbolicLink(p, Path.of(a.oldPath()));
    if (options.privileged()) {
      Attrs.chown(p, 0, 0);
    }
    if (options.timestamp() != null) {
      Attrs.setMtime(p, FileTime.from(options.timestamp()), true);
    }
  }

  private void requireParent(Path p, String what) throws FileOpException, IOException {
    BasicFileAttributes parent = RootedFs.lstat(p.getParent());
    if (parent == null || !parent.isDirectory()) {
      // The resolved parent: after symlinks it may differ from the path as written.
      throw new FileOpException(
          what + ": parent " + dest.display(p.getParent()) + " does not exist");
    }
  }

  /** Owner (root when unset), mode, and the fixed timestamp when configured. */
  private void finish(Path p, int mode, UserDb.Ids owner, boolean symlink) throws IOException {
    if (options.privileged()) {
      Attrs.chown(p, owner == null ? 0 : owner.uid(), owner == null ? 0 : owner.gid());
    }
    if (!symlink) {
      Attrs.chmod(p, mode);
    }
    if (options.timestamp() != null) {
      Attrs.setMtime(p, FileTime.from(options.timestamp()), symlink);
    }
  }

  private static String parentOf(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    int slash = p.lastIndexOf('/');
    return slash <= 0 ? "/" : p.substring(0, slash);
  }

  /** Deletes {@code p} and, for a directory, its contents, never following a symlink. */
  private static void deleteTree(Path p) throws IOException {
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
