package dev.kiln.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of {@code kiln} sees of the outside world: environment, working directory and the
 * two output streams, and whether standard error is a terminal. Tests run the CLI in-process with
 * their own. Immutable.
 *
 * @param env the environment variables
 * @param cwd the working directory that relative paths resolve against
 * @param out standard output (results only)
 * @param err standard error (progress, warnings, errors)
 * @param terminal whether {@code err} is an interactive terminal ({@code --progress=auto} → tty)
 * @param in standard input ({@code -f -} reads the Dockerfile from it)
 */
public record Invocation(
    Map<String, String> env,
    Path cwd,
    PrintStream out,
    PrintStream err,
    boolean terminal,
    java.io.InputStream in) {

  /** Copies the environment; makes the working directory absolute. */
  public Invocation {
    env = Map.copyOf(env);
    cwd = cwd.toAbsolutePath().normalize();
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(in, "in");
  }

  /** An invocation without standard input (tests, embedders). */
  public Invocation(
      Map<String, String> env, Path cwd, PrintStream out, PrintStream err, boolean terminal) {
    this(env, cwd, out, err, terminal, java.io.InputStream.nullInputStream());
  }

  /** The process's own environment, directory, streams and terminal. */
  public static Invocation system() {
    boolean tty = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    return new Invocation(System.getenv(), Path.of(""), System.out, System.err, tty, System.in);
  }

  /** {@code path} resolved against the working directory. */
  public Path resolve(String path) {
    return cwd.resolve(path).normalize();
  }
}
