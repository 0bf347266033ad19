package dev.kiln.core.graph;

import java.util.Objects;

/**
 * One mount of an {@link ExecOp}.
 *
 * @param input index of the vertex input mounted here, or -1 for none (tmpfs; an empty cache)
 * @param target absolute path in the container
 * @param selector absolute path inside the input that is mounted ({@code /} for all of it)
 * @param readOnly whether the process may write; read-only bind mounts produce no output
 * @param type bind, tmpfs or cache
 * @param cacheId the cache mount's id (cache mounts only; defaults to the target)
 * @param sharing how concurrent builds share a cache mount (cache mounts only)
 */
public record Mount(
    int input,
    String target,
    String selector,
    boolean readOnly,
    Type type,
    String cacheId,
    CacheSharing sharing) {

  /** What kind of filesystem is mounted. */
  public enum Type {
    /** A vertex input (or a fresh empty directory when {@code input} is -1). */
    BIND,
    /** An empty in-memory filesystem. */
    TMPFS,
    /** A persistent cache directory keyed by {@code cacheId}, outside the build result. */
    CACHE
  }

  /** Concurrency mode of a cache mount (BuildKit's shared/private/locked). */
  public enum CacheSharing {
    /** Used concurrently by all builds. */
    SHARED,
    /** Each concurrent user gets its own copy. */
    PRIVATE,
    /** Users wait for each other. */
    LOCKED
  }

  /** Validates the combination of fields. */
  public Mount {
    Ops.requireAbsolute("mount target", target);
    Objects.requireNonNull(type, "mount type");
    selector = Ops.requireAbsolute("mount selector", selector == null ? "/" : selector);
    if (input < -1) {
      throw new IllegalArgumentException("mount input must be >= -1, got " + input);
    }
    if (type == Type.TMPFS && input != -1) {
      throw new IllegalArgumentException("tmpfs mount '" + target + "' cannot have an input");
    }
    if (type == Type.CACHE) {
      cacheId = cacheId == null || cacheId.isEmpty() ? target : cacheId;
      sharing = sharing == null ? CacheSharing.SHARED : sharing;
    } else if (cacheId != null || sharing != null) {
      throw new IllegalArgumentException(
          "mount '" + target + "' sets a cache id or sharing but is not a cache mount");
    }
  }

  /** The root filesystem mount of input 0. */
  public static Mount root() {
    return bind(0, "/", "/", false);
  }

  /** A bind mount of {@code selector} in input {@code input} at {@code target}. */
  public static Mount bind(int input, String target, String selector, boolean readOnly) {
    return new Mount(input, target, selector, readOnly, Type.BIND, null, null);
  }

  /** A tmpfs at {@code target}. */
  public static Mount tmpfs(String target) {
    return new Mount(-1, target, "/", false, Type.TMPFS, null, null);
  }

  /** A cache mount at {@code target}. */
  public static Mount cache(String target, String id, CacheSharing sharing) {
    return new Mount(-1, target, "/", false, Type.CACHE, id, sharing);
  }

  /** True when this mount produces an output of the exec op. */
  public boolean hasOutput() {
    return type == Type.BIND && !readOnly;
  }
}
