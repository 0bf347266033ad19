package dev.kiln.solver.fileop;

import dev.kiln.core.pattern.Glob;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A directory seen as a filesystem root, the way a chroot sees it: every symlink met while
 * resolving a path is resolved by hand, an absolute target starts again at the root, and {@code ..}
 * never climbs above it (BuildKit's {@code fs.RootPath}). A resolved path therefore never leaves
 * the root, whatever the links inside it say. Stateless apart from the root; thread-safe, but the
 * answer is only as stable as the tree (the file op is the only writer of its destination).
 */
final class RootedFs {
  private static final int MAX_SYMLINK_HOPS = 40;

  private final Path root;

  RootedFs(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  Path root() {
    return root;
  }

  /**
   * The host path of {@code path} (absolute or relative to the root) with all symlinks resolved
   * inside the root; the last component is followed only when {@code followLast}. Components past
   * the first missing one are appended as they are.
   *
   * @throws NotDirectoryException when a non-directory is used as a parent
   */
  Path resolve(String path, boolean followLast) throws IOException {
    Deque<String> pending = new ArrayDeque<>(List.of(path.split("/")));
    List<String> resolved = new ArrayList<>();
    boolean missing = false;
    int hops = 0;
    while (!pending.isEmpty()) {
      String c = pending.pop();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!resolved.isEmpty()) {
          resolved.remove(resolved.size() - 1);
        }
        continue;
      }
      if (missing) {
        resolved.add(c);
        continue;
      }
      Path p = at(resolved).resolve(c);
      BasicFileAttributes a = lstat(p);
      boolean last = pending.stream().allMatch(s -> s.isEmpty() || s.equals("."));
      if (a == null) {
        missing = true;
        resolved.add(c);
      } else if (a.isSymbolicLink() && (!last || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new IOException("too many levels of symbolic links resolving " + path);
        }
        String target = Files.readSymbolicLink(p).toString();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        String[] parts = target.split("/");
        for (int k = parts.length - 1; k >= 0; k--) {
          pending.push(parts[k]);
        }
      } else if (!last && !a.isDirectory()) {
        throw new NotDirectoryException(display(p));
      } else {
        resolved.add(c);
      }
    }
    return at(resolved);
  }

  /**
   * Expands a wildcard pattern (Go {@code filepath.Match} per component) into the matching paths,
   * as paths relative to the root in sorted order, each still unresolved (so its base name is the
   * name that matched). Matches whose later components do not exist are dropped.
   */
  List<String> glob(String pattern) throws IOException {
    List<String> candidates = List.of("");
    for (String c : pattern.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      List<String> next = new ArrayList<>();
      for (String prefix : candidates) {
        if (!Glob.hasMeta(c)) {
          next.add(prefix + "/" + c);
          continue;
        }
        Path dir = resolve(prefix.isEmpty() ? "/" : prefix, true);
        BasicFileAttributes a = lstat(dir);
        if (a == null || !a.isDirectory()) {
          continue;
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
          for (Path child : ds) {
            String name = child.getFileName().toString();
            if (Glob.match(c, name)) {
              names.add(name);
            }
          }
        }
        names.sort(null);
        for (String n : names) {
          next.add(prefix + "/" + n);
        }
      }
      candidates = next;
    }
    List<String> out = new ArrayList<>();
    for (String candidate : candidates) {
      if (exists(candidate)) {
        out.add(candidate.isEmpty() ? "/" : candidate);
      }
    }
    return out;
  }

  private boolean exists(String path) throws IOException {
    try {
      return lstat(resolve(path, false)) != null;
    } catch (NotDirectoryException e) {
      return false;
    }
  }

  /**
   * Creates the missing directories of {@code dir}, a path from {@link #resolve} (so no symlink is
   * met on the way), calling {@code onCreate} for each directory created, parents first.
   */
  void mkdirs(Path dir, Created onCreate) throws IOException {
    Path rel = root.relativize(dir);
    Path p = root;
    for (Path c : rel) {
      if (c.toString().isEmpty()) {
        continue;
      }
      p = p.resolve(c.toString());
      BasicFileAttributes a = lstat(p);
      if (a == null) {
        Files.createDirectory(p);
        onCreate.accept(p);
      } else if (!a.isDirectory()) {
        throw new NotDirectoryException(display(p));
      }
    }
  }

  /** Called for each directory {@link #mkdirs} creates. */
  interface Created {
    void accept(Path dir) throws IOException;
  }

  /** {@code p} as the path inside the root, e.g. {@code /a/b}. */
  String display(Path p) {
    String rel = root.relativize(p).toString();
    return "/" + rel;
  }

  private Path at(List<String> resolved) {
    Path p = root;
    for (String c : resolved) {
      p = p.resolve(c);
    }
    return p;
  }

  /** The attributes of {@code p} without following a symlink, or null when absent. */
  static BasicFileAttributes lstat(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
