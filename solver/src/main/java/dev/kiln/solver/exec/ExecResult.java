package dev.kiln.solver.exec;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a successful container run.
 *
 * @param exitCode always 0 (a non-zero exit is an {@link ExecFailedException})
 * @param prepare time spent before runc started: resolving the user, creating cwd, writing the
 *     bundle
 * @param run time from starting runc until it exited and its output was drained
 * @param stubParents the directories of the rootfs that only received mount-point stubs, which were
 *     removed again, by path relative to the rootfs ({@code etc}), with their metadata from before
 *     the run (see {@code MountStubs}): on overlay, copies that hold no change
 */
public record ExecResult(
    int exitCode, Duration prepare, Duration run, Map<String, DirMetadata> stubParents) {

  /** Validates the durations; copies the map. */
  public ExecResult {
    Objects.requireNonNull(prepare, "prepare");
    Objects.requireNonNull(run, "run");
    stubParents = Map.copyOf(stubParents);
  }
}
