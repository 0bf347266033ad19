package dev.kiln.core.port;

/**
 * One path whose content contributes to a content checksum.
 *
 * @param path absolute path inside the snapshot ({@code /} for all of it)
 * @param followSymlinks resolve the final path component if it is a symlink (parent components are
 *     always resolved, inside the snapshot)
 * @param wildcard interpret {@code * ? [} in the final path component as a glob
 */
public record PathSelector(String path, boolean followSymlinks, boolean wildcard) {

  /** Requires an absolute path. */
  public PathSelector {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(
          "content selector path must be absolute, got '" + path + "'");
    }
  }

  /** True when {@link #wildcard()} is set and the final component has glob characters. */
  public boolean hasWildcard() {
    if (!wildcard) {
      return false;
    }
    String last = path.substring(path.lastIndexOf('/') + 1);
    return last.indexOf('*') >= 0 || last.indexOf('?') >= 0 || last.indexOf('[') >= 0;
  }
}
