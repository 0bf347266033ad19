package dev.kiln.solver.exec;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of a successful container run.
 *
 * @param exitCode always 0 (a non-zero exit is an {@link ExecFailedException})
 * @param prepare time spent before runc started: resolving the user, creating cwd, writing the
 *     bundle
 * @param run time from starting runc until it exited and its output was drained
 */
public record ExecResult(int exitCode, Duration prepare, Duration run) {

  /** Validates the durations. */
  public ExecResult {
    Objects.requireNonNull(prepare, "prepare");
    Objects.requireNonNull(run, "run");
  }
}
