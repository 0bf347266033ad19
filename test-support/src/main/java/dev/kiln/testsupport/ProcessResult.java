package dev.kiln.testsupport;

import java.util.List;

/**
 * The outcome of a {@link ProcessRunner} run.
 *
 * @param command the command line that ran
 * @param exitCode the process exit code
 * @param stdout standard output decoded as UTF-8
 * @param stderr standard error decoded as UTF-8
 */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {
  /** Copies the command. */
  public ProcessResult {
    command = List.copyOf(command);
  }

  /**
   * Returns this result when the exit code is 0.
   *
   * @throws AssertionError with the command, exit code and both outputs otherwise
   */
  public ProcessResult assertSuccess() {
    if (exitCode != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " exited with "
              + exitCode
              + "\n--- stdout ---\n"
              + stdout
              + "\n--- stderr ---\n"
              + stderr);
    }
    return this;
  }
}
