package dev.kiln.solver.exec;

import dev.kiln.solver.snapshot.OverlaySnapshotter;
import dev.kiln.solver.snapshot.SnapshotHandle;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM for {@link ShutdownIT}: prepares an overlay rootfs over {@code args[0]} under {@code
 * args[1]}, runs {@code sleep 60} in it with state in {@code args[2]}, and echoes the container's
 * output so the parent knows when it runs. The parent then terminates this JVM.
 */
public final class InterruptedBuildMain {

  private InterruptedBuildMain() {}

  /**
   * @param args lower dir, snapshot root, executor state root
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    OverlaySnapshotter snapshotter = new OverlaySnapshotter(Path.of(args[1]));
    SnapshotHandle h = snapshotter.prepare("run", List.of(Path.of(args[0])));
    RuncExecutor executor = new RuncExecutor(Path.of(args[2]));
    executor.run(
        ExecRequest.of(h.rootfs(), List.of("sh", "-c", "echo started; sleep 60")),
        (stream, line) -> {
          System.out.println(line);
          System.out.flush();
        });
  }
}
