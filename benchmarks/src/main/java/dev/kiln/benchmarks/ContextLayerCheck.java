package dev.kiln.benchmarks;

import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks that building a large build context into a layer streams: a local context op, a FileOp
 * copying the whole context onto scratch, and that copy's layer (gzip) written to the content
 * store, all through the real solver. Run it under a small heap ({@code java -Xmx256m}, see {@code
 * benchmarks/scripts/context-1gib.sh}); it prints the phases, the layer and the peak heap ({@code
 * PEAK_HEAP_BYTES=}).
 *
 * <p>Usage: {@code ContextLayerCheck <context-dir> <state-dir>}; the state directory must be empty
 * or missing (a warm cache would run nothing).
 */
public final class ContextLayerCheck {

  private ContextLayerCheck() {}

  /**
   * Runs the check.
   *
   * @param args the context directory and an empty state directory
   * @throws Exception when the build fails; the JVM then exits non-zero
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ContextLayerCheck <context-dir> <state-dir>");
      System.exit(2);
    }
    Path context = Path.of(args[0]);
    Path state = Path.of(args[1]);
    if (!Files.isDirectory(context)) {
      System.err.println("context directory " + context + " does not exist");
      System.exit(2);
    }
    State ctx = State.local("context").named("load context");
    State copied = State.scratch().file(FileStep.copy(ctx, "/", "/")).named("COPY . /");
    LayerCheck.run(
        "context " + context + " → COPY . / → gzip layer",
        copied.definition(),
        Map.of("context", context),
        state);
  }
}
