package dev.kiln.cache.registry;

import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Reference;
import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import java.io.IOException;

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
    return CacheWriter.write(
        name(), settings, new Target(client), chains, store, origins, progress, parallelism);
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
        return client.pushBlob(ref.repository(), source, mountSource(source));
      } catch (RegistryException e) {
        throw new IOException(RegistryMessages.explain(e, ref.registry()), e);
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
