package dev.kiln.core.graph;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One action for {@link State#file}, possibly reading another state. The input index of a copy is
 * assigned by {@link State#file}, so a copy built here carries a placeholder index. Immutable.
 */
public final class FileStep {

  private final FileAction action;
  private final State source;

  private FileStep(FileAction action, State source) {
    this.action = action;
    this.source = source;
  }

  /** A Dockerfile-style copy ({@link FileAction.Copy#of}) of {@code src} in {@code from}. */
  public static FileStep copy(State from, String src, String dest) {
    return copy(from, FileAction.Copy.of(0, src, dest));
  }

  /**
   * A Dockerfile {@code ADD} of a local source: {@link #copy(State, String, String)} that extracts
   * a source whose content is a tar archive into {@code dest} ({@link
   * FileAction.Copy#attemptUnpackDockerCompatibility}).
   */
  public static FileStep add(State from, String src, String dest) {
    return copy(from, FileAction.Copy.of(0, src, dest).withAttemptUnpack(true));
  }

  /** A copy from {@code from} with all options of {@code options} (its input index is ignored). */
  public static FileStep copy(State from, FileAction.Copy options) {
    return new FileStep(options, Objects.requireNonNull(from, "copy source state"));
  }

  /** A copy within the base filesystem itself. */
  public static FileStep copyWithin(String src, String dest) {
    return new FileStep(FileAction.Copy.of(0, src, dest), null);
  }

  /** {@code mkdir -p} with {@code mode}. */
  public static FileStep mkdir(String path, int mode) {
    return of(new FileAction.Mkdir(path, mode, true, null));
  }

  /** Creates a file with UTF-8 {@code text}. */
  public static FileStep mkfile(String path, int mode, String text) {
    return of(new FileAction.Mkfile(path, mode, text.getBytes(StandardCharsets.UTF_8), null));
  }

  /** Removes {@code path}; a missing path is an error. */
  public static FileStep rm(String path) {
    return of(new FileAction.Rm(path, false, false));
  }

  /** Creates a symlink at {@code newPath} to {@code oldPath}. */
  public static FileStep symlink(String oldPath, String newPath) {
    return of(new FileAction.Symlink(oldPath, newPath));
  }

  /** Any action that reads no other state (not a copy from another state). */
  public static FileStep of(FileAction action) {
    if (action instanceof FileAction.Copy c && c.sourceInput() != 0) {
      throw new IllegalArgumentException("use FileStep.copy(State, …) to copy from another state");
    }
    return new FileStep(Objects.requireNonNull(action, "action"), null);
  }

  State source() {
    return source;
  }

  FileAction bind(int input) {
    if (action instanceof FileAction.Copy c) {
      return new FileAction.Copy(
          input,
          c.src(),
          c.dest(),
          c.followSymlinks(),
          c.dirContentsOnly(),
          c.createDestPath(),
          c.allowWildcard(),
          c.allowEmptyWildcard(),
          c.mode(),
          c.owner(),
          c.attemptUnpackDockerCompatibility());
    }
    return action;
  }
}
