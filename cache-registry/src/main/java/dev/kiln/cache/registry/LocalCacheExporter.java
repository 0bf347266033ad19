package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.layout.OciLayout;
import dev.kiln.oci.registry.BlobOutcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * {@code --cache-to type=local,dest=DIR[,tag=T]}: the same format as the registry cache in an OCI
 * image layout directory. Blobs are written atomically (temp file, verified, renamed), the manifest
 * blob last, then {@code index.json} is replaced atomically with the tag pointing at it — a crash
 * at any point leaves the previous {@code index.json} and the cache it names intact.
 */
final class LocalCacheExporter implements CacheExporter {

  private final Path dest;
  private final String tag;
  private final ExportSettings settings;
  private final OriginFetcher origins;
  private final int parallelism;

  LocalCacheExporter(
      Path dest, String tag, ExportSettings settings, OriginFetcher origins, int parallelism) {
    this.dest = dest;
    this.tag = tag;
    this.settings = settings;
    this.origins = origins;
    this.parallelism = parallelism;
  }

  @Override
  public String name() {
    return "local " + dest + ":" + tag;
  }

  @Override
  public CacheExportOptions options() {
    return settings.options();
  }

  @Override
  public CacheExportSummary export(
      ChainsBuilder chains, ContentStore store, ProgressListener progress) throws IOException {
    return CacheWriter.write(
        name(), settings, new Target(), chains, store, origins, progress, parallelism);
  }

  /** Writes into {@code dest}, made an OCI layout at the first write (not for a failed walk). */
  private final class Target implements CacheWriter.Target {
    private OciLayout layout;

    private synchronized OciLayout layout() throws IOException {
      if (layout == null) {
        layout = OciLayout.create(dest);
      }
      return layout;
    }

    @Override
    public String stepName() {
      return "exporting cache to client directory";
    }

    @Override
    public BlobOutcome putLayer(Descriptor layer, LayerBlobSource source) throws IOException {
      if (layout().hasBlob(layer.digest())) {
        return BlobOutcome.EXISTING;
      }
      try (InputStream in = source.openAt(0)) {
        layout().writeBlob(layer, in);
      }
      return BlobOutcome.PUSHED;
    }

    @Override
    public void putConfig(Descriptor config, byte[] bytes) throws IOException {
      layout().writeBlob(config, new ByteArrayInputStream(bytes));
    }

    @Override
    public void putManifest(OciJson.Encoded manifest) throws IOException {
      layout().writeBlob(manifest.descriptor(), new ByteArrayInputStream(manifest.bytes()));
      layout().tag(tag, manifest.descriptor());
    }
  }
}
