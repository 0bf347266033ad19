package dev.kiln.core.graph;

import java.util.Arrays;
import java.util.Objects;

/**
 * One action of a {@link FileOp}. Paths are absolute in the filesystem they refer to; a mode of -1
 * means "the default" (keep the source's mode for copies, 0755/0644 for mkdir/mkfile).
 */
public sealed interface FileAction {

  /**
   * Copies {@code src} from input {@code sourceInput} to {@code dest} in the base.
   *
   * @param sourceInput the vertex input to read from
   * @param src source path; may contain wildcards when {@code allowWildcard}
   * @param dest destination path; a trailing {@code /} means "into this directory"
   * @param followSymlinks resolve {@code src} if it is a symlink
   * @param dirContentsOnly copy the contents of a source directory, not the directory itself
   * @param createDestPath create missing parent directories of {@code dest}
   * @param allowWildcard interpret {@code * ? [} in {@code src}
   * @param allowEmptyWildcard a wildcard matching nothing is not an error
   * @param mode chmod applied to copied files, or -1 to keep
   * @param owner chown applied to copied files, or null to keep
   * @param attemptUnpackDockerCompatibility Dockerfile {@code ADD} of a local source (BuildKit's
   *     {@code FileActionCopy.attemptUnpackDockerCompatibility}): a matched source that is a
   *     regular file whose content is a tar archive (plain, gzip, bzip2, xz or zstd) is extracted
   *     into {@code dest} as a directory instead of being copied; any other source is copied as
   *     usual. Part of the vertex digest only when true, so copies without it keep their digests
   */
  record Copy(
      int sourceInput,
      String src,
      String dest,
      boolean followSymlinks,
      boolean dirContentsOnly,
      boolean createDestPath,
      boolean allowWildcard,
      boolean allowEmptyWildcard,
      int mode,
      Owner owner,
      boolean attemptUnpackDockerCompatibility)
      implements FileAction {

    /** Validates paths and mode. */
    public Copy {
      if (sourceInput < 0) {
        throw new IllegalArgumentException("copy source input must be >= 0, got " + sourceInput);
      }
      Ops.requireAbsolute("copy source", src);
      Ops.requireAbsolute("copy destination", dest);
      Ops.checkMode("copy", mode);
      if (allowEmptyWildcard && !allowWildcard) {
        throw new IllegalArgumentException("allowEmptyWildcard requires allowWildcard");
      }
    }

    /** A copy without {@code attemptUnpackDockerCompatibility} (a plain COPY). */
    public Copy(
        int sourceInput,
        String src,
        String dest,
        boolean followSymlinks,
        boolean dirContentsOnly,
        boolean createDestPath,
        boolean allowWildcard,
        boolean allowEmptyWildcard,
        int mode,
        Owner owner) {
      this(
          sourceInput,
          src,
          dest,
          followSymlinks,
          dirContentsOnly,
          createDestPath,
          allowWildcard,
          allowEmptyWildcard,
          mode,
          owner,
          false);
    }

    /**
     * A Dockerfile-style copy: follow symlinks, copy directory contents, create the destination
     * path, allow wildcards.
     */
    public static Copy of(int sourceInput, String src, String dest) {
      return new Copy(sourceInput, src, dest, true, true, true, true, false, -1, null);
    }

    /** This copy with {@code owner}. */
    public Copy withOwner(Owner newOwner) {
      return new Copy(
          sourceInput,
          src,
          dest,
          followSymlinks,
          dirContentsOnly,
          createDestPath,
          allowWildcard,
          allowEmptyWildcard,
          mode,
          newOwner,
          attemptUnpackDockerCompatibility);
    }

    /** This copy with chmod {@code newMode}. */
    public Copy withMode(int newMode) {
      return new Copy(
          sourceInput,
          src,
          dest,
          followSymlinks,
          dirContentsOnly,
          createDestPath,
          allowWildcard,
          allowEmptyWildcard,
          newMode,
          owner,
          attemptUnpackDockerCompatibility);
    }

    /** This copy with {@code attemptUnpackDockerCompatibility} set to {@code unpack} (ADD). */
    public Copy withAttemptUnpack(boolean unpack) {
      return new Copy(
          sourceInput,
          src,
          dest,
          followSymlinks,
          dirContentsOnly,
          createDestPath,
          allowWildcard,
          allowEmptyWildcard,
          mode,
          owner,
          unpack);
    }
  }

  /**
   * Creates a directory.
   *
   * @param path the directory
   * @param mode its mode, or -1 for 0755
   * @param makeParents create missing parents ({@code mkdir -p})
   * @param owner its owner, or null for root
   */
  record Mkdir(String path, int mode, boolean makeParents, Owner owner) implements FileAction {

    /** Validates path and mode. */
    public Mkdir {
      Ops.requireAbsolute("mkdir path", path);
      Ops.checkMode("mkdir", mode);
    }
  }

  /**
   * Creates (or replaces) a regular file with the given contents.
   *
   * @param path the file
   * @param mode its mode, or -1 for 0644
   * @param data the contents (copied; never exposed mutable)
   * @param owner its owner, or null for root
   */
  record Mkfile(String path, int mode, byte[] data, Owner owner) implements FileAction {

    /** Validates path and mode; copies the data. */
    public Mkfile {
      Ops.requireAbsolute("mkfile path", path);
      Ops.checkMode("mkfile", mode);
      data = Objects.requireNonNull(data, "mkfile data").clone();
    }

    /** A copy of the contents. */
    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Mkfile m
          && path.equals(m.path)
          && mode == m.mode
          && Arrays.equals(data, m.data)
          && Objects.equals(owner, m.owner);
    }

    @Override
    public int hashCode() {
      return Objects.hash(path, mode, Arrays.hashCode(data), owner);
    }

    @Override
    public String toString() {
      return "Mkfile[path=" + path + ", mode=" + mode + ", bytes=" + data.length + "]";
    }
  }

  /**
   * Removes a path.
   *
   * @param path the path; may contain wildcards when {@code allowWildcard}
   * @param allowNotFound a missing path is not an error
   * @param allowWildcard interpret {@code * ? [} in {@code path}
   */
  record Rm(String path, boolean allowNotFound, boolean allowWildcard) implements FileAction {

    /** Validates the path. */
    public Rm {
      Ops.requireAbsolute("rm path", path);
    }
  }

  /**
   * Creates a symlink at {@code newPath} pointing to {@code oldPath}.
   *
   * @param oldPath the link text (may be relative; stored as is)
   * @param newPath where the link is created
   */
  record Symlink(String oldPath, String newPath) implements FileAction {

    /** Validates the paths. */
    public Symlink {
      if (oldPath == null || oldPath.isEmpty()) {
        throw new IllegalArgumentException("symlink target must not be empty");
      }
      Ops.requireAbsolute("symlink path", newPath);
    }
  }
}
