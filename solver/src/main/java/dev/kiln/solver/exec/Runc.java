package dev.kiln.solver.exec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runc command line, bound to one state root ({@code runc --root <state>}). Thread-safe: every
 * call is a separate process.
 */
final class Runc {

  private final Path binary;
  private final Path stateRoot;

  Runc(Path binary, Path stateRoot) {
    this.binary = binary;
    this.stateRoot = stateRoot;
  }

  /** Starts {@code runc run} in the foreground without a terminal; stdin is /dev/null. */
  Process startRun(Path bundle, String id) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command("run", "--bundle", bundle.toString(), id))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start();
  }

  /** Sends SIGKILL to every process of the container; errors (already gone) are ignored. */
  void kill(String id) {
    quietly("kill", "--all", id, "KILL");
  }

  /** Deletes the container and its state, killing it first if needed; errors are ignored. */
  void deleteForce(String id) {
    quietly("delete", "--force", id);
  }

  /**
   * @return the output of {@code runc list -q}: one container id a line
   */
  List<String> list() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command("list", "-q")).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    List<String> ids = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        ids.add(line.strip());
      }
    }
    return ids;
  }

  private List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.add("--root");
    cmd.add(stateRoot.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private void quietly(String... args) {
    try {
      Process p =
          new ProcessBuilder(command(args))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      // Cleanup runs while a cancellation is in flight, so it waits through interrupts (and
      // restores the flag); bounded so that a wedged runc cannot hang kiln.
      boolean interrupted = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            p.destroyForcibly();
          }
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    } catch (IOException e) {
      // Cleanup is best effort: the container is usually gone already.
    }
  }
}
