package dev.kiln.solver.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Runs the host tools the snapshotters and the worker use (mount, umount, cp). Stateless. */
public final class Commands {

  private Commands() {}

  /**
   * Runs {@code command} in {@code cwd} and waits; interrupts are deferred until it exits so that a
   * mount is never left half-known.
   *
   * @return the combined output
   * @throws IOException when it cannot start or exits non-zero (the message holds its output)
   */
  public static String run(Path cwd, List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    boolean interrupted = false;
    int exit;
    while (true) {
      try {
        exit = p.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (exit != 0) {
      throw new IOException(command.get(0) + " exited " + exit + (out.isEmpty() ? "" : ": " + out));
    }
    return out;
  }
}
