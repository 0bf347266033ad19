package dev.kiln.solver.worker;

import dev.kiln.solver.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cleans up after a worker process that was killed without running its shutdown hooks ({@code kill
 * -9}, a crash): containers runc still runs under {@code <root>/exec/runc} are killed and deleted,
 * mounts under {@code root} are detached, and the work directories of unfinished steps ({@code
 * runs/}, {@code exec/bundles/}) are removed. Runs when a worker opens its root, which a build
 * holds exclusively. Stateless.
 */
final class Leftovers {

  private Leftovers() {}

  static void clean(Path root) throws IOException {
    Path runcState = root.resolve("exec").resolve("runc");
    // runc keeps a directory per container there: none means nothing to list (and no process)
    if (Files.isDirectory(runcState) && !SnapshotStore.isEmptyDirectory(runcState)) {
      for (String id : run(List.of("runc", "--root", runcState.toString(), "list", "-q"))) {
        run(List.of("runc", "--root", runcState.toString(), "kill", "--all", id, "KILL"));
        run(List.of("runc", "--root", runcState.toString(), "delete", "--force", id));
      }
    }
    OverlaySnapshotter.detachAllUnder(root);
    clear(root.resolve("runs"));
    clear(root.resolve("exec").resolve("bundles"));
  }

  private static void clear(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        // the overlay probe's remembered outcome is a file, not a leftover of a step
        if (!p.getFileName().toString().equals(OverlaySnapshotter.PROBE_MARKER)
            || Files.isDirectory(p)) {
          SnapshotStore.deleteTree(p);
        }
      }
    }
  }

  /** Runs a command and returns its output lines; a failure (or no runc) gives none. */
  private static List<String> run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroy();
        return List.of();
      }
      return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
