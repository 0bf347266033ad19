package dev.kiln.core.port;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which entries below a checksummed path take part (include/exclude patterns).
 *
 * <p>Paths are relative to the snapshot root, {@code /}-separated, without a leading slash. For a
 * directory, {@code false} prunes it with everything below; for other entries it leaves the entry
 * out. Implementations must be pure and thread-safe.
 */
@FunctionalInterface
public interface PathFilter {

  /** Everything takes part. */
  PathFilter ALL = (path, directory) -> true;

  /** Whether the entry at {@code relativePath} takes part. */
  boolean includes(String relativePath, boolean directory);

  /**
   * A filter from glob patterns ({@link java.nio.file.FileSystem#getPathMatcher} {@code glob:}
   * syntax, relative paths). An entry is excluded when it matches an exclude pattern (a directory
   * then is pruned). When include patterns are given, a non-directory takes part only if it or one
   * of its parent directories matches one; directories are always descended, so empty directories
   * stay part of the checksum. This approximates {@code .dockerignore}; a frontend that needs the
   * exact rules passes its own filter.
   */
  static PathFilter globs(List<String> include, List<String> exclude) {
    List<PathMatcher> inc = matchers(include);
    List<PathMatcher> exc = matchers(exclude);
    return (relativePath, directory) -> {
      Path p = Path.of(relativePath);
      if (matchesAny(exc, p)) {
        return false;
      }
      if (directory || inc.isEmpty()) {
        return true;
      }
      for (Path q = p; q != null; q = q.getParent()) {
        if (matchesAny(inc, q)) {
          return true;
        }
      }
      return false;
    };
  }

  private static List<PathMatcher> matchers(List<String> patterns) {
    List<PathMatcher> out = new ArrayList<>();
    for (String p : patterns) {
      out.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
    }
    return List.copyOf(out);
  }

  private static boolean matchesAny(List<PathMatcher> matchers, Path p) {
    for (PathMatcher m : matchers) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }
}
