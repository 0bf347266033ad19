package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheAttributeException;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.core.port.CacheImporterFactory;
import dev.kiln.oci.Digest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code type=local} importers: {@code src} (required, an OCI layout directory), and either {@code
 * digest} or {@code tag} (default {@code latest}). Thread-safe.
 */
public final class LocalCacheImporterFactory implements CacheImporterFactory {

  /** Creates the factory; it needs nothing. */
  public LocalCacheImporterFactory() {}

  @Override
  public String type() {
    return "local";
  }

  @Override
  public CacheImporter create(Map<String, String> attributes) {
    CacheAttributes a =
        new CacheAttributes("--cache-from type=local", attributes, Set.of("src", "digest", "tag"));
    Path src = Path.of(a.required("src", "src=/var/cache/kiln")).toAbsolutePath().normalize();
    if (a.has("digest") && a.has("tag")) {
      throw new CacheAttributeException(a.flag() + ": give digest= or tag=, not both");
    }
    Digest digest = null;
    if (a.has("digest")) {
      try {
        digest = Digest.parse(a.optional("digest"));
      } catch (IllegalArgumentException e) {
        throw new CacheAttributeException(
            a.flag() + ": digest=" + a.optional("digest") + ": " + e.getMessage());
      }
    }
    String tag = a.optional("tag") != null ? a.optional("tag") : "latest";
    checkTag(a, tag);
    return new LocalCacheImporter(src, tag, digest);
  }

  static void checkTag(CacheAttributes a, String tag) {
    if (tag.isEmpty() || tag.chars().anyMatch(Character::isISOControl)) {
      throw new CacheAttributeException(a.flag() + ": tag= must be a non-empty name");
    }
  }
}
