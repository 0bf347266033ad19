package dev.kiln.image;

import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import dev.kiln.oci.registry.auth.CredentialProvider;
import dev.kiln.oci.registry.auth.DockerConfigCredentialProvider;
import java.io.Closeable;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link RegistryClient} per registry host, created on first use and shared by image sources
 * and exporters (one connection pool and token cache per host). Credentials come from the given
 * provider, normally the Docker config ({@code ~/.docker/config.json} and credential helpers).
 * Loopback hosts use plain HTTP as the client does; other hosts use HTTPS unless listed as
 * insecure. Thread-safe. Closing closes every client.
 */
public final class RegistryClients implements Closeable {

  private final CredentialProvider credentials;
  private final Set<String> insecureHosts;
  private final ConcurrentHashMap<String, RegistryClient> clients = new ConcurrentHashMap<>();

  /**
   * Creates the cache.
   *
   * @param credentials where credentials come from
   * @param insecureHosts registry hosts ({@code host[:port]}) reached over plain HTTP
   */
  public RegistryClients(CredentialProvider credentials, Set<String> insecureHosts) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.insecureHosts =
        insecureHosts.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** Clients with credentials from the Docker config of the current user and no insecure hosts. */
  public static RegistryClients fromDockerConfig() {
    return new RegistryClients(DockerConfigCredentialProvider.fromEnvironment(), Set.of());
  }

  /**
   * The client for {@code registryHost} ({@code host[:port]}, the API host, e.g. {@code
   * registry-1.docker.io} for Docker Hub).
   *
   * @throws IOException if the client cannot be configured (e.g. a bad host name)
   */
  public RegistryClient forHost(String registryHost) throws IOException {
    String key = registryHost.toLowerCase(Locale.ROOT);
    RegistryClient existing = clients.get(key);
    if (existing != null) {
      return existing;
    }
    try {
      RegistryClient created =
          RegistryClient.builder(registryHost)
              .credentials(credentials)
              .insecure(insecureHosts.contains(key))
              .build();
      RegistryClient raced = clients.putIfAbsent(key, created);
      if (raced != null) {
        created.close();
        return raced;
      }
      return created;
    } catch (RegistryException | IllegalArgumentException e) {
      throw new IOException(
          "configuring the registry client for " + registryHost + ": " + e.getMessage(), e);
    }
  }

  /** The hosts with a client so far (for diagnostics). */
  public Set<String> hosts() {
    return Set.copyOf(clients.keySet());
  }

  @Override
  public void close() {
    for (Map.Entry<String, RegistryClient> e : clients.entrySet()) {
      e.getValue().close();
    }
    clients.clear();
  }
}
