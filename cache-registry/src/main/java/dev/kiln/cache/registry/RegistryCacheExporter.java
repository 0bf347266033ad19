package dev.kiln.cache.registry;

import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Reference;
import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
  private ExecutorService early;

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
      CacheChains chains, ContentStore store, ProgressListener progress) throws IOException {
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
    synchronized (this) {
      if (early != null) {
        early.shutdownNow();
        early = null;
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
