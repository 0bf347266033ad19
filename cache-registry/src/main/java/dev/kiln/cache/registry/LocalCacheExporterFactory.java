package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheExporterFactory;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code type=local} exporters: {@code dest} (required, a directory), {@code tag} (default {@code
 * latest}) and the shared export attributes ({@code mode}, compression, {@code oci-mediatypes},
 * {@code image-manifest}, {@code ignore-error}). Thread-safe.
 */
public final class LocalCacheExporterFactory implements CacheExporterFactory {

  private static final Set<String> KEYS = keys();

  private final RegistryClientProvider clients;
  private final Path tmp;

  /**
   * @param clients registry clients, to fetch layers that were never downloaded from their origin
   * @param tmp where such layers are staged
   */
  public LocalCacheExporterFactory(RegistryClientProvider clients, Path tmp) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.tmp = Objects.requireNonNull(tmp, "tmp");
  }

  @Override
  public String type() {
    return "local";
  }

  @Override
  public CacheExporter create(Map<String, String> attributes) {
    CacheAttributes a = new CacheAttributes("--cache-to type=local", attributes, KEYS);
    Path dest = Path.of(a.required("dest", "dest=/var/cache/kiln")).toAbsolutePath().normalize();
    String tag = a.optional("tag") != null ? a.optional("tag") : "latest";
    LocalCacheImporterFactory.checkTag(a, tag);
    return new LocalCacheExporter(
        dest,
        tag,
        ExportSettings.parse(a),
        new OriginFetcher(clients, tmp),
        RegistryCacheExporterFactory.PARALLEL_UPLOADS);
  }

  private static Set<String> keys() {
    Set<String> k = new HashSet<>(ExportSettings.KEYS);
    k.add("dest");
    k.add("tag");
    return Set.copyOf(k);
  }
}
