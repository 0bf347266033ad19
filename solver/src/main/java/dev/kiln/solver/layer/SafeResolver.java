package dev.kiln.solver.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Resolves entry paths inside an extraction root (a snapshot, or an ADD destination directory)
 * without ever leaving it. Each component is looked at with {@code lstat}; a symlink met on the way
 * is resolved by hand, as the container would see it: an absolute target starts again at the
 * snapshot root (never at the host's {@code /}), and a relative target that climbs above the root
 * with {@code ..} is rejected. The applier is the only writer of the root while it runs, so the
 * check cannot race with the write. Not thread-safe.
 */
final class SafeResolver {
  private static final int MAX_SYMLINK_HOPS = 40;

  private final Path root;
  private final ExtractRules rules;
  private final String subject;

  SafeResolver(Path root, ExtractRules rules) {
    this.root = root;
    this.rules = rules;
    this.subject = rules.subject();
  }

  /**
   * Splits a tar entry name into components; a leading {@code ./} and empty or {@code .} components
   * are dropped. Layer rules reject absolute names and any {@code ..}; archive rules (BuildKit's
   * ADD) drop leading slashes and resolve {@code ..} lexically, rejecting only a name that climbs
   * out. Empty result: the root itself.
   */
  List<String> components(String name) throws UnsafeLayerException {
    if (name.startsWith("/") && rules.layer()) {
      throw new UnsafeLayerException(subject + ": entry '" + name + "' has an absolute path");
    }
    if (name.indexOf('\0') >= 0) {
      throw new UnsafeLayerException(subject + ": entry '" + name + "' contains NUL");
    }
    List<String> out = new ArrayList<>();
    for (String c : name.split("/")) {
      if (c.equals("..")) {
        if (rules.layer() || out.isEmpty()) {
          throw new UnsafeLayerException(
              subject + ": entry '" + name + "' escapes " + rules.rootName());
        }
        out.remove(out.size() - 1);
      } else if (!c.isEmpty() && !c.equals(".")) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * The real directory for {@code dirComponents}, following in-root symlinks; missing directories
   * are created with mode 0755 when {@code create}, otherwise reported as absent (null).
   */
  Path resolveDir(List<String> dirComponents, String entryName, boolean create)
      throws IOException, LayerException {
    List<String> resolved = new ArrayList<>();
    Deque<String> pending = new ArrayDeque<>(dirComponents);
    int hops = 0;
    while (!pending.isEmpty()) {
      String c = pending.pop();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (resolved.isEmpty()) {
          throw escape(entryName);
        }
        resolved.remove(resolved.size() - 1);
        continue;
      }
      Path p = at(resolved).resolve(c);
      BasicFileAttributes a = lstat(p);
      if (a == null) {
        if (!create) {
          return null;
        }
        Files.createDirectory(p);
        resolved.add(c);
      } else if (a.isSymbolicLink()) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new UnsafeLayerException(
              subject + ": entry '" + entryName + "' meets too many symlinks");
        }
        String target = Files.readSymbolicLink(p).toString();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        List<String> parts = Arrays.asList(target.split("/"));
        for (int k = parts.size() - 1; k >= 0; k--) {
          pending.push(parts.get(k));
        }
      } else if (a.isDirectory()) {
        resolved.add(c);
      } else {
        throw new LayerException(
            subject
                + ": entry '"
                + entryName
                + "': parent '"
                + String.join("/", resolved)
                + (resolved.isEmpty() ? "" : "/")
                + c
                + "' is not a directory");
      }
    }
    return at(resolved);
  }

  private UnsafeLayerException escape(String entryName) {
    return new UnsafeLayerException(
        subject
            + ": entry '"
            + entryName
            + "' goes through a symlink that points outside "
            + rules.rootName());
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
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }
}
