package dev.kiln.cache.registry;

import dev.kiln.core.cache.remote.BlobFetcher;
import dev.kiln.core.cache.remote.CacheFormatException;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.CacheImportException;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --cache-from type=local,src=DIR[,digest=D|tag=T]}: a cache in an OCI image layout
 * directory, by the index entry tagged {@code tag} (default {@code latest}) or by {@code digest}.
 * Blobs are read (verified) from the layout when the solver asks for them.
 */
final class LocalCacheImporter implements CacheImporter {

  private final Path src;
  private final String tag;
  private final Digest digest;

  LocalCacheImporter(Path src, String tag, Digest digest) {
    this.src = src;
    this.tag = tag;
    this.digest = digest;
  }

  @Override
  public String name() {
    return "local " + src + (digest != null ? "@" + digest : ":" + tag);
  }

  @Override
  public ImportedCache resolve(ProgressListener progress) throws CacheImportException {
    Steps steps = new Steps(name(), progress);
    Steps.Step step = steps.start("importing cache manifest from " + name());
    try {
      LayoutReader layout = new LayoutReader(src);
      Descriptor top = find(layout);
      ImportedCache cache =
          CacheReader.read(name(), layout.read(top), top.mediaType(), new Source(layout));
      step.done();
      return cache;
    } catch (CacheFormatException e) {
      throw fail(step, e.getMessage(), e);
    } catch (IOException e) {
      throw fail(step, e.getMessage(), e);
    } catch (RuntimeException e) {
      throw fail(step, "cannot be read: " + e, e);
    }
  }

  private Descriptor find(LayoutReader layout) throws IOException, CacheFormatException {
    Optional<Descriptor> entry =
        layout.index().manifests().stream()
            .filter(
                d ->
                    digest != null
                        ? d.digest().equals(digest)
                        : tag.equals(d.annotation(OciLayout.REF_NAME)))
            .findFirst();
    if (entry.isEmpty()) {
      throw new CacheFormatException(
          "not found: index.json has no " + (digest != null ? "entry " + digest : "tag " + tag));
    }
    if (entry.get().size() > dev.kiln.core.cache.remote.CacheConfigCodec.MAX_SIZE) {
      throw new CacheFormatException(
          "cache manifest is too large (" + entry.get().size() + " bytes)");
    }
    return entry.get();
  }

  private CacheImportException fail(Steps.Step step, String reason, Exception cause) {
    String message = "cache " + name() + ": " + reason;
    step.warn(message + " (building without this cache)");
    return new CacheImportException(message, cause);
  }

  private record Source(LayoutReader layout) implements CacheReader.Source {
    @Override
    public byte[] manifest(Descriptor d) throws IOException {
      return layout.read(d);
    }

    @Override
    public byte[] blob(Descriptor d) throws IOException {
      return layout.read(d);
    }

    @Override
    public BlobFetcher fetcher() {
      return layout::open;
    }

    @Override
    public Map<String, String> layerAnnotations() {
      return Map.of();
    }
  }
}
