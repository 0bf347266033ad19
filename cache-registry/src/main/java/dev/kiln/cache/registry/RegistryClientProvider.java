package dev.kiln.cache.registry;

import dev.kiln.oci.registry.RegistryClient;
import java.io.IOException;

/**
 * The {@link RegistryClient} of a registry host, shared with the rest of the build (one connection
 * pool and token cache per host). The composition root passes its client cache here.
 */
@FunctionalInterface
public interface RegistryClientProvider {

  /**
   * The client for {@code registryHost} ({@code host[:port]}, the API host).
   *
   * @param insecure plain HTTP for a non-loopback host ({@code registry.insecure=true})
   * @throws IOException if the client cannot be configured
   */
  RegistryClient client(String registryHost, boolean insecure) throws IOException;
}
