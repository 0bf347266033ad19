package dev.kiln.cache.registry;

import dev.kiln.core.cache.remote.BlobFetcher;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheFormatException;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.CacheImportException;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Reference;
import dev.kiln.oci.registry.ManifestContent;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --cache-from type=registry,ref=REF}: reads the manifest (or index) and the cache config
 * (each at most 1 MiB), or an image's inline cache; layer blobs are fetched from the registry only
 * when the solver asks for them, into a temp file and then the content store (verified). Every
 * layer descriptor is annotated with {@code containerd.io/distribution.source.<registry>} so that a
 * later push to the same registry can mount it. Any failure is one {@link CacheImportException}
 * line naming the ref and the reason.
 */
final class RegistryCacheImporter implements CacheImporter {

  private final Reference ref;
  private final boolean insecure;
  private final RegistryClientProvider clients;
  private final Path tmp;

  RegistryCacheImporter(Reference ref, boolean insecure, RegistryClientProvider clients, Path tmp) {
    this.ref = ref;
    this.insecure = insecure;
    this.clients = clients;
    this.tmp = tmp;
  }

  @Override
  public String name() {
    return "registry " + ref;
  }

  /** The normalised cache reference. */
  Reference ref() {
    return ref;
  }

  @Override
  public ImportedCache resolve(ProgressListener progress) throws CacheImportException {
    Steps steps = new Steps(name(), progress);
    Steps.Step step = steps.start("importing cache manifest from " + ref);
    try {
      RegistryClient client = clients.client(ref.registryApiHost(), insecure);
      ManifestContent top = client.pullManifest(ref.repository(), ref.identifier());
      ImportedCache cache =
          CacheReader.read(name(), top.bytes(), top.mediaType(), new Source(client));
      step.done();
      return cache;
    } catch (RegistryException e) {
      throw fail(step, RegistryMessages.explain(e, ref.registry()), e);
    } catch (CacheFormatException e) {
      throw fail(step, e.getMessage(), e);
    } catch (IOException e) {
      throw fail(step, "cannot be read: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw fail(step, "cannot be read: " + e, e);
    }
  }

  private CacheImportException fail(Steps.Step step, String reason, Exception cause) {
    String message = "cache " + ref + ": " + reason;
    step.warn(message + " (building without this cache)");
    return new CacheImportException(message, cause);
  }

  private final class Source implements CacheReader.Source {
    private final RegistryClient client;

    Source(RegistryClient client) {
      this.client = client;
    }

    @Override
    public byte[] manifest(Descriptor d) throws IOException {
      try {
        return client.pullManifest(ref.repository(), d.digest().toString()).bytes();
      } catch (RegistryException e) {
        throw new IOException(
            "manifest " + d.digest() + ": " + RegistryMessages.explain(e, ref.registry()), e);
      }
    }

    @Override
    public byte[] blob(Descriptor d) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, d.size()));
      try {
        client.pullBlob(ref.repository(), d.digest(), d.size(), out);
      } catch (RegistryException e) {
        throw new IOException(
            "blob " + d.digest() + ": " + RegistryMessages.explain(e, ref.registry()), e);
      }
      return out.toByteArray();
    }

    @Override
    public BlobFetcher fetcher() {
      return RegistryCacheImporter.this::open;
    }

    @Override
    public Map<String, String> layerAnnotations() {
      return Map.of(CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX + ref.registry(), ref.repository());
    }
  }

  /** Downloads a layer (verified) into a temp file that is deleted when the stream closes. */
  private InputStream open(Descriptor blob) throws IOException {
    RegistryClient client = clients.client(ref.registryApiHost(), insecure);
    Files.createDirectories(tmp);
    Path file = Files.createTempFile(tmp, "cache-", ".blob");
    try {
      client.pullBlob(ref.repository(), blob, file);
      return new FilterInputStream(Files.newInputStream(file)) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            Files.deleteIfExists(file);
          }
        }
      };
    } catch (RegistryException e) {
      Files.deleteIfExists(file);
      throw new IOException(ref.name() + ": " + RegistryMessages.explain(e, ref.registry()), e);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }
}
