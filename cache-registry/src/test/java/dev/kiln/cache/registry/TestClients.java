package dev.kiln.cache.registry;

import dev.kiln.oci.registry.RegistryClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One default client per registry host, made on first use and closed together; for tests. */
final class TestClients implements RegistryClientProvider, AutoCloseable {

  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

  @Override
  public RegistryClient client(String registryHost, boolean insecure) {
    return clients.computeIfAbsent(
        registryHost,
        h -> {
          try {
            return RegistryClient.builder(h).build();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Override
  public void close() {
    clients.values().forEach(RegistryClient::close);
  }
}
