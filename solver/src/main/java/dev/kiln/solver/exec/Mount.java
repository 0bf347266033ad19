package dev.kiln.solver.exec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One extra mount of a RUN container: a bind mount of a host directory, file or socket (another
 * input of the step, a cache directory, a secret file, an agent socket), or a fresh tmpfs.
 *
 * @param kind bind or tmpfs
 * @param source the host path for {@link Kind#BIND}; {@code null} for {@link Kind#TMPFS}
 * @param destination absolute path inside the container
 * @param readOnly whether the container may write to it
 * @param size a tmpfs's size limit in bytes, 0 for the default
 */
public record Mount(Kind kind, Path source, String destination, boolean readOnly, long size) {

  /** What a mount is. */
  public enum Kind {
    /** A bind mount of {@link #source()}. */
    BIND,
    /** An empty tmpfs, discarded when the container exits. */
    TMPFS
  }

  /** Validates: absolute destination, a source exactly for binds. */
  public Mount {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(destination, "destination");
    if (!destination.startsWith("/")) {
      throw new IllegalArgumentException(
          "mount destination must be an absolute path: " + destination);
    }
    if (kind == Kind.BIND) {
      Objects.requireNonNull(source, "source of a bind mount");
      if (!source.isAbsolute()) {
        throw new IllegalArgumentException("bind mount source must be absolute: " + source);
      }
    } else if (source != null) {
      throw new IllegalArgumentException("a tmpfs mount has no source: " + source);
    }
    if (size < 0 || (size > 0 && kind != Kind.TMPFS)) {
      throw new IllegalArgumentException("only a tmpfs has a size, never a negative one");
    }
  }

  /** A mount without a size limit. */
  public Mount(Kind kind, Path source, String destination, boolean readOnly) {
    this(kind, source, destination, readOnly, 0);
  }

  /**
   * A bind mount.
   *
   * @param source absolute host path
   * @param destination absolute path in the container
   * @param readOnly whether it is mounted read-only
   * @return the mount
   */
  public static Mount bind(Path source, String destination, boolean readOnly) {
    return new Mount(Kind.BIND, source, destination, readOnly);
  }

  /**
   * A writable tmpfs.
   *
   * @param destination absolute path in the container
   * @return the mount
   */
  public static Mount tmpfs(String destination) {
    return new Mount(Kind.TMPFS, null, destination, false);
  }

  /**
   * A writable tmpfs of at most {@code bytes} bytes.
   *
   * @param destination absolute path in the container
   * @param bytes the size limit, 0 for the default
   * @return the mount
   */
  public static Mount tmpfs(String destination, long bytes) {
    return new Mount(Kind.TMPFS, null, destination, false, bytes);
  }
}
