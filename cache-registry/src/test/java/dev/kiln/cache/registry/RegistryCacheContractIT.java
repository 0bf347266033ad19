package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheBackendContract;
import dev.kiln.core.port.CacheExporterFactory;
import dev.kiln.core.port.CacheImporterFactory;
import dev.kiln.testsupport.RegistryContainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The cache ports' contract for {@code type=registry} against a real registry. */
class RegistryCacheContractIT extends CacheBackendContract {

  static RegistryContainer registry;
  static final TestClients PROVIDER = new TestClients();

  @TempDir Path tmp;
  private final String repository = "contract/" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start() {
    registry = RegistryContainer.open();
    registry.start();
  }

  @AfterAll
  static void stop() {
    PROVIDER.close();
    if (registry != null) {
      registry.close();
    }
  }

  @Override
  protected CacheExporterFactory exporters() {
    return new RegistryCacheExporterFactory(PROVIDER, tmp.resolve("stage"));
  }

  @Override
  protected CacheImporterFactory importers() {
    return new RegistryCacheImporterFactory(PROVIDER, tmp.resolve("stage"));
  }

  @Override
  protected Map<String, String> exportTo(String name) {
    return Map.of("ref", registry.hostPort() + "/" + repository + ":" + name);
  }

  @Override
  protected Map<String, String> importFrom(String name) {
    return exportTo(name);
  }
}
