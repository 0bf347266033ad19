package dev.kiln.cli.progress;

import java.io.PrintStream;

/**
 * {@code --progress=quiet}: shows no progress; notices and errors still reach standard error.
 * Thread-safe.
 */
final class QuietDisplay implements ProgressDisplay {
  private final PrintStream err;

  QuietDisplay(PrintStream err) {
    this.err = err;
  }

  @Override
  public void notice(String line) {
    err.println(line);
  }

  @Override
  public void finish(boolean success) {}

  @Override
  public void close() {}
}
