package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheAttributeException;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheExporterFactory;
import dev.kiln.oci.Reference;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code type=registry} exporters: {@code ref} (required, a tag; {@code :latest} when none), {@code
 * mode}, {@code compression}, {@code compression-level}, {@code force-compression}, {@code
 * oci-mediatypes}, {@code image-manifest}, {@code ignore-error}, {@code registry.insecure}.
 * Thread-safe.
 */
public final class RegistryCacheExporterFactory implements CacheExporterFactory {

  /** Blobs uploaded at the same time (BuildKit's default per-registry limit). */
  static final int PARALLEL_UPLOADS = 4;

  private static final Set<String> KEYS = keys();

  private final RegistryClientProvider clients;
  private final Path tmp;

  /**
   * @param clients the build's registry clients
   * @param tmp where layers fetched from their origin are staged (created on demand)
   */
  public RegistryCacheExporterFactory(RegistryClientProvider clients, Path tmp) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.tmp = Objects.requireNonNull(tmp, "tmp");
  }

  @Override
  public String type() {
    return "registry";
  }

  @Override
  public CacheExporter create(Map<String, String> attributes) {
    CacheAttributes a = new CacheAttributes("--cache-to type=registry", attributes, KEYS);
    Reference ref = parseRef(a);
    return new RegistryCacheExporter(
        ref,
        ExportSettings.parse(a),
        a.bool("registry.insecure", false, true),
        clients,
        new OriginFetcher(clients, tmp),
        PARALLEL_UPLOADS);
  }

  /** The {@code ref} attribute, normalised; a cache is written under a tag, never a digest. */
  static Reference parseRef(CacheAttributes a) {
    String raw = a.required("ref", "ref=registry.example/app:buildcache");
    Reference ref;
    try {
      ref = Reference.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new CacheAttributeException(a.flag() + ": ref=" + raw + ": " + e.getMessage());
    }
    if (ref.digest() != null && a.flag().startsWith("--cache-to")) {
      throw new CacheAttributeException(
          a.flag() + ": ref=" + raw + " has a digest; a cache is written under a tag");
    }
    return ref;
  }

  private static Set<String> keys() {
    Set<String> k = new HashSet<>(ExportSettings.KEYS);
    k.add("ref");
    k.add("registry.insecure");
    return Set.copyOf(k);
  }
}
