package dev.kiln.benchmarks;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import dev.kiln.solver.store.LocalContentStore;
import dev.kiln.solver.worker.LocalWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The shared body of the layer memory checks: solves a graph with the real solver (Scheduler,
 * LocalCacheManager, LocalContentStore, LocalWorker, wired as in solver/WORKER.md) in a fresh state
 * directory, then prints the phases, the output's last layer and the heap figures. Not thread-safe;
 * one run per JVM, so the heap figures belong to it.
 */
final class LayerCheck {

  private static final double MIB = 1024.0 * 1024.0;

  private LayerCheck() {}

  /**
   * Runs the check.
   *
   * @param title printed first
   * @param def the graph; its single output's last layer is reported
   * @param locals the local directories by name
   * @param state an empty or missing directory for the worker, cache and content store
   */
  static void run(String title, Definition def, Map<String, Path> locals, Path state)
      throws Exception {
    System.out.println("== " + title);
    PhaseClock clock = new PhaseClock();
    try (HeapGauge gauge = HeapGauge.start()) {
      long t0 = System.nanoTime();
      LocalContentStore store = LocalContentStore.at(state.resolve("content"));
      LocalWorker.Builder builder =
          LocalWorker.builder(state.resolve("worker"), store).progress(clock);
      locals.forEach(builder::local);
      LocalWorker worker = builder.build();
      SolveResult result;
      try (LocalCacheManager cache = LocalCacheManager.open(state.resolve("cache"));
          Scheduler scheduler = new Scheduler(worker, cache)) {
        clock.phase("open content store, worker and cache", System.nanoTime() - t0);
        long solve = System.nanoTime();
        clock.solveStarted();
        result = scheduler.solve(def, SolveOptions.DEFAULT.withProgress(clock));
        clock.phase("solve (total)", System.nanoTime() - solve);
      }
      CacheResult out = result.outputs().get(0);
      // Layers are made when an output asks for them: the gzip blobs an image export would read.
      long export = System.nanoTime();
      List<ExportLayer> layers = worker.exportLayers(out);
      clock.phase("export layers (tar + gzip + sha256)", System.nanoTime() - export);
      worker.close();
      if (layers.isEmpty()) {
        throw new IllegalStateException("the output has no layers; the graph must end in a layer");
      }
      Descriptor layer = layers.get(layers.size() - 1).blob();
      Digest diffId = layers.get(layers.size() - 1).diffId();
      long stored = Files.size(store.blobPath(layer.digest()));
      if (stored != layer.size()) {
        throw new IllegalStateException(
            "blob " + layer.digest() + " is " + stored + " bytes, descriptor says " + layer.size());
      }
      clock.report();
      System.out.printf("executed vertices: %d, cached: %d%n", result.executed(), result.cached());
      System.out.println("layers in the output chain: " + layers.size());
      System.out.println("layer media type: " + layer.mediaType());
      System.out.println("layer digest:     " + layer.digest());
      System.out.println("layer diffID:     " + diffId);
      System.out.printf(
          "layer size:       %d bytes (%.1f MiB)%n", layer.size(), layer.size() / MIB);
      System.out.printf("total wall time:  %.2f s%n", (System.nanoTime() - t0) / 1e9);
      gauge.report();
    }
  }
}
