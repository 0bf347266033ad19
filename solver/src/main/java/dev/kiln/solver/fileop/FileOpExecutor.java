package dev.kiln.solver.fileop;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.Owner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Executes the actions of one {@link FileOp}, in order, on a writable destination directory (the
 * snapshot being built, already holding a copy of input 0), reading copy sources from the read-only
 * roots given per input index. Every path is resolved inside its root like a chroot would (symlinks
 * included), so nothing outside the destination is ever written and nothing outside a source root
 * is ever read; source roots are never modified. See {@code solver/FILEOP.md} for the COPY rules.
 *
 * <p>Thread-safe and stateless: concurrent calls are fine as long as each has its own destination
 * and nothing else writes to it meanwhile. A failed call leaves the destination partly modified;
 * the caller discards it.
 */
public final class FileOpExecutor {

  /**
   * How file actions run.
   *
   * @param privileged set ownership ({@code lchown}); needs root. Unprivileged runs create
   *     everything owned by the current user and ignore owners
   * @param timestamp when set, the mtime of entries that mkdir, mkfile, symlink and copy's
   *     destination-path creation make (for reproducible builds); copied entries always keep their
   *     source mtime. Null: the current time
   */
  public record Options(boolean privileged, Instant timestamp) {

    /** Privileged when this process runs as uid 0; no fixed timestamp. */
    public static Options detect() {
      return new Options(runningAsRoot(), null);
    }

    /** These options with a fixed timestamp for created entries. */
    public Options withTimestamp(Instant newTimestamp) {
      return new Options(privileged, newTimestamp);
    }

    private static boolean runningAsRoot() {
      try {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
  }

  private final Options options;

  /** An executor with {@code options}. */
  public FileOpExecutor(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Applies {@code op}'s actions in order to {@code destination}.
   *
   * @param op the file op
   * @param destination the writable root the actions change (input 0's copy)
   * @param inputs the read-only root of each op input, by input index; a copy reads {@code
   *     inputs.get(copy.sourceInput())}
   * @throws FileOpException naming the failing action and path; also on I/O errors and when the
   *     thread is interrupted between actions (the interrupt flag stays set)
   */
  public void execute(FileOp op, Path destination, List<FileOpInput> inputs)
      throws FileOpException {
    Objects.requireNonNull(op, "op");
    List<FileOpInput> in = List.copyOf(inputs);
    RootedFs dest;
    try {
      dest = new RootedFs(destination);
    } catch (IOException e) {
      throw new FileOpException("file op destination " + destination + " is not usable: " + e, e);
    }
    for (FileAction action : op.actions()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new FileOpException("file op interrupted before " + describe(action));
      }
      try {
        apply(action, dest, in);
      } catch (IOException e) {
        throw new FileOpException(describe(action) + " failed: " + e, e);
      }
    }
  }

  private void apply(FileAction action, RootedFs dest, List<FileOpInput> inputs)
      throws IOException, FileOpException {
    PathActions paths = new PathActions(dest, options);
    if (action instanceof FileAction.Copy c) {
      if (c.sourceInput() >= inputs.size()) {
        throw new FileOpException(
            describe(c)
                + ": reads input "
                + c.sourceInput()
                + " but only "
                + inputs.size()
                + " input roots were given");
      }
      FileOpInput input = inputs.get(c.sourceInput());
      RootedFs src;
      try {
        src = new RootedFs(input.root());
      } catch (IOException e) {
        throw new FileOpException(
            verb(c) + " failed: " + input.label() + " is not readable at " + input.root(), e);
      }
      UserDb.Ids owner = owner(c.owner(), dest, verb(c));
      new CopyAction(c, input, src, dest, owner, options).run();
    } else if (action instanceof FileAction.Mkdir m) {
      paths.mkdir(m, owner(m.owner(), dest, "mkdir " + m.path()));
    } else if (action instanceof FileAction.Mkfile f) {
      paths.mkfile(f, owner(f.owner(), dest, "mkfile " + f.path()));
    } else if (action instanceof FileAction.Rm r) {
      paths.rm(r);
    } else if (action instanceof FileAction.Symlink s) {
      paths.symlink(s);
    }
  }

  private static UserDb.Ids owner(Owner owner, RootedFs dest, String what)
      throws IOException, FileOpException {
    return owner == null ? null : UserDb.resolve(owner, dest, what + " --chown");
  }

  private static String verb(FileAction.Copy c) {
    return c.attemptUnpackDockerCompatibility() ? "ADD" : "COPY";
  }

  private static String describe(FileAction action) {
    if (action instanceof FileAction.Copy c) {
      return verb(c) + " " + c.src() + " " + c.dest();
    } else if (action instanceof FileAction.Mkdir m) {
      return "mkdir " + m.path();
    } else if (action instanceof FileAction.Mkfile f) {
      return "mkfile " + f.path();
    } else if (action instanceof FileAction.Rm r) {
      return "rm " + r.path();
    } else {
      FileAction.Symlink s = (FileAction.Symlink) action;
      return "symlink " + s.newPath() + " -> " + s.oldPath();
    }
  }
}
