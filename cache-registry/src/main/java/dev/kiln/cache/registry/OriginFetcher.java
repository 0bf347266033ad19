package dev.kiln.cache.registry;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Reference;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Brings a layer that is not in the local content store (a base-image or imported-cache layer that
 * was never downloaded) in from its origin repository, verified, when an export needs its bytes.
 */
final class OriginFetcher {

  private final RegistryClientProvider clients;
  private final Path tmp;

  OriginFetcher(RegistryClientProvider clients, Path tmp) {
    this.clients = clients;
    this.tmp = tmp;
  }

  /**
   * Stores the layer's blob in {@code store}.
   *
   * @throws IOException if it has no origin or cannot be fetched from there
   */
  void fetch(ExportLayer layer, ContentStore store) throws IOException {
    if (layer.origin() == null) {
      throw new IOException(
          "layer "
              + layer.blob().digest()
              + " is not in the local content store and has no origin to fetch it from");
    }
    Reference origin;
    try {
      origin = Reference.parse(layer.origin());
    } catch (IllegalArgumentException e) {
      throw new IOException("layer " + layer.blob().digest() + ": " + e.getMessage(), e);
    }
    RegistryClient client = clients.client(origin.registryApiHost(), false);
    Files.createDirectories(tmp);
    Path file = Files.createTempFile(tmp, "origin-", ".blob");
    try {
      client.pullBlob(origin.repository(), layer.blob(), file);
      try (InputStream in = Files.newInputStream(file)) {
        store.write(in, layer.blob().digest());
      }
    } catch (RegistryException e) {
      throw new IOException(
          "fetching layer "
              + layer.blob().digest()
              + " from "
              + origin.name()
              + ": "
              + RegistryMessages.explain(e, origin.registry()),
          e);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
