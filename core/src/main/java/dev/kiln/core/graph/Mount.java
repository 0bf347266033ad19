package dev.kiln.core.graph;

import java.util.Objects;

/**
 * One mount of an {@link ExecOp} (BuildKit's {@code pb.Mount}).
 *
 * @param input index of the vertex input mounted here, or -1 for none (tmpfs, secret, ssh; an empty
 *     bind or cache)
 * @param target absolute path in the container; null only for a secret exposed as an environment
 *     variable alone ({@link Options#envName})
 * @param selector absolute path inside the input that is mounted ({@code /} for all of it); for a
 *     cache mount with an input, what seeds a new cache
 * @param readOnly whether the process may write; read-only bind mounts produce no output
 * @param type bind, tmpfs, cache, secret or ssh
 * @param cacheId the cache mount's id (cache mounts only; defaults to the target)
 * @param sharing how concurrent users share a cache mount (cache mounts only)
 * @param options the settings of the other mount types ({@link Options#NONE} when none)
 */
public record Mount(
    int input,
    String target,
    String selector,
    boolean readOnly,
    Type type,
    String cacheId,
    CacheSharing sharing,
    Options options) {

  /** What kind of filesystem is mounted. */
  public enum Type {
    /** A vertex input (or a fresh empty directory when {@code input} is -1). */
    BIND,
    /** An empty in-memory filesystem. */
    TMPFS,
    /** A persistent cache directory keyed by {@code cacheId}, outside the build result. */
    CACHE,
    /** A secret the client provides at build time, as a read-only file (and/or an env var). */
    SECRET,
    /** A socket forwarding to an SSH agent the client provides. */
    SSH
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

  /**
   * Settings beyond bind, cache and tmpfs basics. Part of the vertex digest; the secret's or
   * agent's content never is (it is given to the worker at build time, by id).
   *
   * @param tmpfsSize a tmpfs mount's size limit in bytes, 0 for the default
   * @param noOutput a writable bind mount whose changes are discarded after the process (BuildKit's
   *     {@code ForceNoOutput}: {@code RUN --mount=type=bind,rw})
   * @param id the secret's or SSH agent's id (secret and ssh mounts)
   * @param envName for a secret: the environment variable that also holds its value, or null
   * @param uid owner of the secret file or agent socket
   * @param gid group of the secret file or agent socket
   * @param mode mode of the secret file (BuildKit's default 0400) or socket (0600)
   * @param optional a missing secret or agent is skipped instead of failing the step
   */
  public record Options(
      long tmpfsSize,
      boolean noOutput,
      String id,
      String envName,
      long uid,
      long gid,
      int mode,
      boolean optional) {

    /** No settings. */
    public static final Options NONE = new Options(0, false, null, null, 0, 0, 0, false);

    /** Validates. */
    public Options {
      if (tmpfsSize < 0 || uid < 0 || gid < 0 || mode < 0 || mode > 07777) {
        throw new IllegalArgumentException(
            "invalid mount options: size, uid, gid must be >= 0 and mode within 07777");
      }
    }

    /** A tmpfs of {@code bytes} bytes. */
    public static Options tmpfs(long bytes) {
      return new Options(bytes, false, null, null, 0, 0, 0, false);
    }

    /** A writable bind whose changes are discarded. */
    public static Options discardChanges() {
      return new Options(0, true, null, null, 0, 0, 0, false);
    }

    /** A secret or SSH agent {@code id} with the file's (socket's) owner and mode. */
    public static Options of(
        String id, String envName, long uid, long gid, int mode, boolean optional) {
      return new Options(0, false, id, envName, uid, gid, mode, optional);
    }
  }

  /** Validates the combination of fields. */
  public Mount {
    Objects.requireNonNull(type, "mount type");
    options = options == null ? Options.NONE : options;
    if (target != null || type != Type.SECRET || options.envName() == null) {
      Ops.requireAbsolute("mount target", target);
    }
    selector = Ops.requireAbsolute("mount selector", selector == null ? "/" : selector);
    if (input < -1) {
      throw new IllegalArgumentException("mount input must be >= -1, got " + input);
    }
    if ((type == Type.TMPFS || type == Type.SECRET || type == Type.SSH) && input != -1) {
      throw new IllegalArgumentException(
          type.name().toLowerCase(java.util.Locale.ROOT)
              + " mount '"
              + target
              + "' cannot have an input");
    }
    if (type == Type.CACHE) {
      cacheId = cacheId == null || cacheId.isEmpty() ? target : cacheId;
      sharing = sharing == null ? CacheSharing.SHARED : sharing;
    } else if (cacheId != null || sharing != null) {
      throw new IllegalArgumentException(
          "mount '" + target + "' sets a cache id or sharing but is not a cache mount");
    }
    if ((type == Type.SECRET || type == Type.SSH)
        && (options.id() == null || options.id().isEmpty())) {
      throw new IllegalArgumentException(
          type.name().toLowerCase(java.util.Locale.ROOT) + " mount needs an id");
    }
    if (options.noOutput() && (type != Type.BIND || readOnly)) {
      throw new IllegalArgumentException(
          "mount '" + target + "': only a writable bind mount can discard its changes");
    }
  }

  /** A mount without further options. */
  public Mount(
      int input,
      String target,
      String selector,
      boolean readOnly,
      Type type,
      String cacheId,
      CacheSharing sharing) {
    this(input, target, selector, readOnly, type, cacheId, sharing, Options.NONE);
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
    return type == Type.BIND && !readOnly && !options.noOutput();
  }
}
