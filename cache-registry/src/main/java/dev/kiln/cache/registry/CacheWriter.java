package dev.kiln.cache.registry;

import dev.kiln.core.cache.remote.CacheConfigCodec;
import dev.kiln.core.cache.remote.MarshalledCache;
import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.registry.BlobOutcome;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The export sequence shared by the registry and local backends (cache-format.md §3.4): marshal the
 * chains, then write every distinct layer blob (in parallel, bounded), then the config, then the
 * manifest last — so a failure at any point leaves the previous cache at the target intact. Reports
 * each step to the progress listener as buildx names it.
 */
final class CacheWriter {

  /** Where a cache is written. Implementations are thread-safe for {@link #putLayer}. */
  interface Target {
    /** The name of the export step, e.g. {@code exporting cache to registry}. */
    String stepName();

    /**
     * Stores a layer blob unless the target has it.
     *
     * @param layer the descriptor as the manifest lists it
     * @param source where its bytes come from (opened only when they must be sent)
     */
    BlobOutcome putLayer(Descriptor layer, LayerBlobSource source) throws IOException;

    /** Stores the config blob. */
    void putConfig(Descriptor config, byte[] bytes) throws IOException;

    /** Stores the manifest and points the tag at it: the last, committing write. */
    void putManifest(OciJson.Encoded manifest) throws IOException;
  }

  private CacheWriter() {}

  static CacheExportSummary write(
      String name,
      ExportSettings settings,
      Target target,
      CacheExporter.ChainsBuilder chains,
      ContentStore store,
      OriginFetcher origins,
      ProgressListener progress,
      int parallelism)
      throws IOException {
    Steps steps = new Steps(name, progress);
    Steps.Step export = steps.start(target.stepName());
    try {
      Steps.Step prepare = steps.start("preparing build cache for export");
      MarshalledCache marshalled = chains.build().marshal();
      if (marshalled.isEmpty()) {
        progress.log(
            prepare.vertex(),
            ProgressListener.LogStream.STDOUT,
            "skipping cache export for empty result");
        prepare.done();
        export.done();
        return CacheExportSummary.empty();
      }
      byte[] config = CacheConfigCodec.encode(marshalled.config());
      CacheManifests.checkSize("cache config", config.length);
      Descriptor configDesc = CacheManifests.configDescriptor(config);
      OciJson.Encoded manifest =
          CacheManifests.encode(
              marshalled.layers(), configDesc, settings.ociMediaTypes(), settings.imageManifest());
      prepare.done();

      List<Descriptor> layers = new ArrayList<>();
      for (Descriptor d : marshalled.distinctLayers()) {
        layers.add(
            d.withMediaType(
                CacheManifests.layerMediaType(d.mediaType(), settings.ociMediaTypes())));
      }
      Counts counts = putLayers(layers, marshalled, target, store, origins, steps, parallelism);

      Steps.Step cfg = steps.start("writing config " + configDesc.digest());
      target.putConfig(configDesc, config);
      cfg.done();
      Steps.Step man = steps.start("writing manifest " + manifest.digest());
      target.putManifest(manifest);
      man.done();

      CacheExportSummary summary =
          new CacheExportSummary(
              layers.size(),
              counts.uploaded.get(),
              counts.present.get(),
              counts.mounted.get(),
              counts.bytes.get(),
              manifest.descriptor());
      progress.log(export.vertex(), ProgressListener.LogStream.STDOUT, summary.describe());
      export.done();
      return summary;
    } catch (IOException | RuntimeException e) {
      steps.failAll(name + ": " + e.getMessage());
      throw e;
    }
  }

  private record Counts(
      AtomicInteger uploaded, AtomicInteger present, AtomicInteger mounted, AtomicLong bytes) {}

  private static Counts putLayers(
      List<Descriptor> layers,
      MarshalledCache marshalled,
      Target target,
      ContentStore store,
      OriginFetcher origins,
      Steps steps,
      int parallelism)
      throws IOException {
    Counts counts =
        new Counts(new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicLong());
    if (layers.isEmpty()) {
      return counts;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(parallelism, layers.size())),
            r -> {
              Thread t = new Thread(r, "kiln-cache-upload");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Descriptor layer : layers) {
        ExportLayer source = marshalled.blobs().get(layer.digest());
        futures.add(
            pool.submit(
                () -> {
                  putLayer(layer, source, target, store, origins, steps, counts);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          futures.forEach(other -> other.cancel(true));
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          throw new IOException(cause.getMessage(), cause);
        }
      }
      return counts;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("cache export interrupted");
    } finally {
      pool.shutdownNow();
    }
  }

  private static void putLayer(
      Descriptor layer,
      ExportLayer source,
      Target target,
      ContentStore store,
      OriginFetcher origins,
      Steps steps,
      Counts counts)
      throws IOException {
    Steps.Step step = steps.start("writing layer " + layer.digest());
    LayerBlobSource blob =
        new LayerBlobSource(layer, source, store, origins)
            .reporting(n -> steps.bytes(step, layer, n));
    BlobOutcome outcome;
    try {
      outcome = target.putLayer(layer, blob);
    } catch (IOException e) {
      throw new IOException("writing layer " + layer.digest() + ": " + e.getMessage(), e);
    }
    switch (outcome) {
      case PUSHED -> {
        counts.uploaded.incrementAndGet();
        counts.bytes.addAndGet(layer.size());
      }
      case EXISTING -> counts.present.incrementAndGet();
      case MOUNTED -> counts.mounted.incrementAndGet();
    }
    step.done();
  }
}
