package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheBackendContract;
import dev.kiln.core.port.CacheExporterFactory;
import dev.kiln.core.port.CacheImporterFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The cache ports' contract for {@code type=local} on a real directory (OCI image layout). */
class LocalCacheContractTest extends CacheBackendContract {

  @TempDir Path tmp;

  @Override
  protected CacheExporterFactory exporters() {
    return new LocalCacheExporterFactory(
        (host, insecure) -> {
          throw new IOException("no registry in this test");
        },
        tmp.resolve("staging"));
  }

  @Override
  protected CacheImporterFactory importers() {
    return new LocalCacheImporterFactory();
  }

  @Override
  protected Map<String, String> exportTo(String name) {
    return Map.of("dest", tmp.resolve(name).toString());
  }

  @Override
  protected Map<String, String> importFrom(String name) {
    return Map.of("src", tmp.resolve(name).toString());
  }
}
