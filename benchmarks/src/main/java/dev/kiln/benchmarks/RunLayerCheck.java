package dev.kiln.benchmarks;

import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks that a RUN writing a large file produces its layer with a small heap: a rootfs given as a
 * local context is copied onto scratch, then {@code RUN head -c <bytes> /dev/urandom > /big} runs
 * in runc through the real solver and LocalWorker, and its changes become one gzip layer in the
 * content store. Needs root and runc. Run it under {@code java -Xmx256m} (see {@code
 * benchmarks/scripts/run-1gib.sh}); it prints the phases, the layer and the peak heap ({@code
 * PEAK_HEAP_BYTES=}).
 *
 * <p>Usage: {@code RunLayerCheck <rootfs-dir> <state-dir> [bytes]} (default 1 GiB); the rootfs
 * needs {@code /bin/sh} and {@code head}; the state directory must be empty or missing.
 */
public final class RunLayerCheck {

  private static final long GIB = 1024L * 1024 * 1024;

  private RunLayerCheck() {}

  /**
   * Runs the check.
   *
   * @param args the rootfs directory, an empty state directory, optionally the byte count
   * @throws Exception when the build fails; the JVM then exits non-zero
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: RunLayerCheck <rootfs-dir> <state-dir> [bytes]");
      System.exit(2);
    }
    Path rootfs = Path.of(args[0]);
    Path state = Path.of(args[1]);
    long bytes = args.length == 3 ? Long.parseLong(args[2]) : GIB;
    if (!Files.exists(rootfs.resolve("bin/sh"), LinkOption.NOFOLLOW_LINKS)) {
      System.err.println("rootfs " + rootfs + " has no /bin/sh; build one with busybox-static");
      System.exit(2);
    }
    State source = State.local("rootfs").named("load rootfs");
    State base = State.scratch().file(FileStep.copy(source, "/", "/")).named("COPY rootfs /");
    // The echo marks when the process is done; the rest of the vertex is the layer and snapshot.
    String command = "head -c " + bytes + " /dev/urandom > /big && echo process done";
    State ran = base.run(Run.shell(command).named("RUN " + command)).root();
    LayerCheck.run(
        "busybox rootfs → RUN " + command + " → gzip layer",
        ran.definition(),
        Map.of("rootfs", rootfs),
        state);
  }
}
