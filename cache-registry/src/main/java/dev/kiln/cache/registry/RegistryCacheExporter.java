package dev.kiln.cache.registry;

import dev.kiln.core.port.BlobTap;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.GrowingBlob;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Reference;
import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code --cache-to type=registry,ref=REF}: blobs are HEAD-checked (present ones are skipped),
 * mounted from their origin repository when it is on the same registry, uploaded otherwise (in
 * parallel, bounded); then the config; then the manifest is put under the ref's tag — the last
 * write, so the tag never points at missing content.
 */
final class RegistryCacheExporter implements CacheExporter {

  private final Reference ref;
  private final ExportSettings settings;
  private final boolean insecure;
  private final RegistryClientProvider clients;
  private final OriginFetcher origins;
  private final int parallelism;
  private final Map<Digest, Future<BlobOutcome>> offered = new ConcurrentHashMap<>();
  private final List<Streamed> streams = new CopyOnWriteArrayList<>();
  private ExecutorService early;
  private ExecutorService streaming;
  private volatile boolean streamsRefused;

  /** A blob sent while the worker writes it ({@link #tap}), and its upload. */
  private record Streamed(GrowingBlob blob, Future<BlobOutcome> upload) {}

  RegistryCacheExporter(
      Reference ref,
      ExportSettings settings,
      boolean insecure,
      RegistryClientProvider clients,
      OriginFetcher origins,
      int parallelism) {
    this.ref = ref;
    this.settings = settings;
    this.insecure = insecure;
    this.clients = clients;
    this.origins = origins;
    this.parallelism = parallelism;
  }

  @Override
  public String name() {
    return "registry " + ref;
  }

  @Override
  public CacheExportOptions options() {
    return settings.options();
  }

  /** The normalised cache reference. */
  Reference ref() {
    return ref;
  }

  @Override
  public CacheExportSummary export(
      ChainsBuilder chains, ContentStore store, ProgressListener progress) throws IOException {
    RegistryClient client = clients.client(ref.registryApiHost(), insecure);
    try {
      return CacheWriter.write(
          name(), settings, new Target(client), chains, store, origins, progress, parallelism);
    } finally {
      withdrawOffers();
    }
  }

  @Override
  public void withdrawOffers() {
    offered.values().forEach(f -> f.cancel(true));
    offered.clear();
    for (Streamed s : streams) {
      s.upload().cancel(true);
      closeQuietly(s.blob()); // an upload cancelled before it began never closes it
    }
    streams.clear();
    synchronized (this) {
      if (early != null) {
        early.shutdownNow();
        early = null;
      }
      if (streaming != null) {
        streaming.shutdownNow();
        streaming = null;
      }
    }
  }

  /**
   * Starts storing the layer in the target repository on a background thread (at most {@code
   * parallelism} at once), as {@link Target#putLayer} would: {@link #export} then waits for it
   * instead of storing it again.
   */
  @Override
  public void offer(ExportLayer layer, ContentStore store) {
    if (streamed(layer.blob().digest(), false) != null) {
      return; // already being sent while it was written
    }
    offered.computeIfAbsent(
        layer.blob().digest(),
        d -> {
          LayerBlobSource source = new LayerBlobSource(layer.blob(), layer, store, origins);
          return pool()
              .submit(
                  () ->
                      clients
                          .client(ref.registryApiHost(), insecure)
                          .pushBlob(ref.repository(), source, mountSource(source)));
        });
  }

  /**
   * Sends each blob the worker writes for this export while it is written (a stream upload, one
   * thread per blob being written): the finished layer is then already stored, or nearly, when the
   * export asks for it. {@link Target#putLayer} waits for it, and sends the finished blob again if
   * the stream failed.
   */
  @Override
  public BlobTap tap() {
    return this::stream;
  }

  private synchronized void stream(GrowingBlob blob) {
    if (streamsRefused) {
      closeQuietly(blob); // the export sends the finished blob the usual way
      return;
    }
    if (streaming == null) {
      streaming =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "kiln-cache-upload-stream");
                t.setDaemon(true);
                return t;
              });
    }
    try {
      Future<BlobOutcome> upload =
          streaming.submit(
              () -> {
                try (blob) {
                  return clients
                      .client(ref.registryApiHost(), insecure)
                      .pushGrowingBlob(ref.repository(), blob);
                } catch (RegistryException | RuntimeException e) {
                  if (!blob.writerFailed()) {
                    // the registry (or the way to it) does not take stream uploads: the other
                    // blobs of this export are sent once finished, not streamed and sent again
                    streamsRefused = true;
                  }
                  throw e;
                }
              });
      streams.add(new Streamed(blob, upload));
    } catch (RejectedExecutionException e) {
      closeQuietly(blob);
    }
  }

  private static void closeQuietly(GrowingBlob blob) {
    try {
      blob.close();
    } catch (IOException ignored) {
      // closing a read channel: nothing to recover
    }
  }

  /** The stream upload of the finished blob {@code digest}, taken out of the list, or null. */
  private Future<BlobOutcome> streamed(Digest digest, boolean take) {
    for (Streamed s : streams) {
      if (digest.equals(s.blob().digest()) && (!take || streams.remove(s))) {
        return s.upload();
      }
    }
    return null;
  }

  private synchronized ExecutorService pool() {
    if (early == null) {
      early =
          Executors.newFixedThreadPool(
              Math.max(1, parallelism),
              r -> {
                Thread t = new Thread(r, "kiln-cache-upload-early");
                t.setDaemon(true);
                return t;
              });
    }
    return early;
  }

  private final class Target implements CacheWriter.Target {
    private final RegistryClient client;

    Target(RegistryClient client) {
      this.client = client;
    }

    @Override
    public String stepName() {
      return "exporting cache to registry";
    }

    @Override
    public BlobOutcome putLayer(Descriptor layer, LayerBlobSource source) throws IOException {
      try {
        Future<BlobOutcome> started = offered.remove(layer.digest());
        if (started != null) {
          return awaitOffered(started);
        }
        Future<BlobOutcome> sent = streamed(layer.digest(), true);
        if (sent != null) {
          try {
            return awaitOffered(sent);
          } catch (IOException | RegistryException e) {
            if (Thread.currentThread().isInterrupted()) {
              throw e;
            }
            // The stream failed (the registry refused a stream upload, the connection broke):
            // the blob is complete now, so send it as any other.
          }
        }
        return client.pushBlob(ref.repository(), source, mountSource(source));
      } catch (RegistryException e) {
        throw new IOException(RegistryMessages.explain(e, ref.registry()), e);
      }
    }

    /** The outcome of an upload started by {@link #offer}, its failure as this layer's. */
    private BlobOutcome awaitOffered(Future<BlobOutcome> started)
        throws IOException, RegistryException {
      try {
        return started.get();
      } catch (InterruptedException e) {
        started.cancel(true);
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("cache export interrupted");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RegistryException re) {
          throw re;
        }
        if (cause instanceof IOException io) {
          throw io;
        }
        throw new IOException(String.valueOf(cause.getMessage()), cause);
      }
    }

    @Override
    public void putConfig(Descriptor config, byte[] bytes) throws IOException {
      try {
        client.pushBlob(ref.repository(), BlobSource.of(bytes));
      } catch (RegistryException e) {
        throw new IOException(
            "writing config "
                + config.digest()
                + ": "
                + RegistryMessages.explain(e, ref.registry()),
            e);
      }
    }

    @Override
    public void putManifest(OciJson.Encoded manifest) throws IOException {
      try {
        client.pushManifest(
            ref.repository(),
            ref.identifier(),
            manifest.bytes(),
            manifest.descriptor().mediaType());
      } catch (RegistryException e) {
        throw new IOException(
            "writing manifest "
                + manifest.digest()
                + ": "
                + RegistryMessages.explain(e, ref.registry()),
            e);
      }
    }
  }

  /** The origin repository when it is another repository of the target's registry, or null. */
  private String mountSource(LayerBlobSource source) {
    String origin = source.exportLayer().origin();
    if (origin == null) {
      return null;
    }
    try {
      Reference o = Reference.parse(origin);
      return o.registry().equals(ref.registry()) && !o.repository().equals(ref.repository())
          ? o.repository()
          : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
