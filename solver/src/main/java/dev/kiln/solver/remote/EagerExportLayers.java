package dev.kiln.solver.remote;

import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.scheduler.ResultListener;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Makes, while the build goes on, the layers a {@code mode=max} cache export will take: each result
 * a step makes (a RUN, a file operation or a merge; never a source, which a cache holds as a root
 * without layers) has its layers made in each such export's compression as soon as the step ends,
 * on one background thread, and offered to the exporter ({@link CacheExporter#offer}) so that its
 * upload starts too. The cores a build leaves idle (most steps run one process) then do what the
 * export would otherwise do after the build. A {@code mode=min} export takes only the final
 * result's chain, which is known only when the solve ends; it is left to the export.
 *
 * <p>Nothing here is needed for correctness: the export makes and uploads what is missing, waiting
 * for a layer being made here ({@link ResultLayers} makes each variant once). A failure here is
 * dropped for the same reason; the export meets it again and reports it. {@link #handOver}, as the
 * export begins, drops what is queued; {@link #close} waits for the result being made and withdraws
 * the uploads no export waited for.
 */
public final class EagerExportLayers implements ResultListener, AutoCloseable {

  private final ResultLayers layers;
  private final List<CacheExporter> exporters;
  private final ContentStore store;
  private final ExecutorService thread;
  private volatile boolean closed;

  /**
   * @param layers makes the layers (the worker's)
   * @param exporters the build's cache exporters; only those in {@code mode=max} are served
   * @param store where the made blobs are read from by an upload
   */
  public EagerExportLayers(ResultLayers layers, List<CacheExporter> exporters, ContentStore store) {
    this.layers = Objects.requireNonNull(layers, "layers");
    this.exporters =
        exporters.stream().filter(e -> e.options().mode() == CacheExportMode.MAX).toList();
    this.store = Objects.requireNonNull(store, "store");
    this.thread =
        this.exporters.isEmpty()
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "kiln-eager-layers");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Whether any export is served (else {@link #made} does nothing). */
  public boolean active() {
    return thread != null;
  }

  @Override
  public void made(Vertex vertex, List<CacheResult> results) {
    if (thread == null
        || closed
        || !(vertex.op() instanceof ExecOp
            || vertex.op() instanceof FileOp
            || vertex.op() instanceof MergeOp)) {
      return;
    }
    try {
      thread.execute(() -> make(results));
    } catch (RejectedExecutionException e) {
      // handed over meanwhile: the export makes these itself
    }
  }

  private void make(List<CacheResult> results) {
    for (CacheExporter e : exporters) {
      CacheExportOptions options = e.options();
      for (CacheResult r : results) {
        if (closed) {
          return;
        }
        try {
          layers.prepare(List.of(r), options, e.tap());
          for (ExportLayer l : layers.layers(r, options)) {
            if (closed) {
              return; // the export has begun and uploads what it needs itself
            }
            e.offer(l, store);
          }
        } catch (IOException | RuntimeException ex) {
          // The export makes this result's layers again and reports what fails then.
        }
      }
    }
  }

  /**
   * The export begins: nothing more is queued and what is queued is dropped; the result being made
   * goes on beside the export (which waits for a layer being made rather than making it twice), and
   * the uploads started go on for the export to wait for. Does not wait.
   */
  public void handOver() {
    closed = true;
    if (thread != null) {
      thread.shutdown();
    }
  }

  /**
   * Stops as {@link #handOver} does and waits for the result being made; then withdraws the uploads
   * no export waited for: all of them on a build that failed, any offered after the export on one
   * that did.
   */
  @Override
  public void close() {
    handOver();
    if (thread == null) {
      return;
    }
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    exporters.forEach(CacheExporter::withdrawOffers);
  }
}
