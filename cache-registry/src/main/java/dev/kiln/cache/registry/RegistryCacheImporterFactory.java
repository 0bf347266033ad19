package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheImporter;
import dev.kiln.core.port.CacheImporterFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code type=registry} importers: {@code ref} (required; a tag or digest), {@code
 * registry.insecure}. Reads registry caches and images with an inline cache. Thread-safe.
 */
public final class RegistryCacheImporterFactory implements CacheImporterFactory {

  private final RegistryClientProvider clients;
  private final Path tmp;

  /**
   * @param clients the build's registry clients
   * @param tmp where fetched layer blobs are staged before they enter the content store
   */
  public RegistryCacheImporterFactory(RegistryClientProvider clients, Path tmp) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.tmp = Objects.requireNonNull(tmp, "tmp");
  }

  @Override
  public String type() {
    return "registry";
  }

  @Override
  public CacheImporter create(Map<String, String> attributes) {
    CacheAttributes a =
        new CacheAttributes(
            "--cache-from type=registry", attributes, Set.of("ref", "registry.insecure"));
    return new RegistryCacheImporter(
        RegistryCacheExporterFactory.parseRef(a),
        a.bool("registry.insecure", false, true),
        clients,
        tmp);
  }
}
