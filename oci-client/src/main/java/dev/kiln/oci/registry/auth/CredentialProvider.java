package dev.kiln.oci.registry.auth;

import java.io.IOException;
import java.util.Optional;

/**
 * Finds the credential for a registry host. Implementations must be thread-safe.
 *
 * <p>The host is the registry as written in references, after Docker Hub normalisation ({@code
 * docker.io}, {@code localhost:5000}, {@code ghcr.io}).
 */
@FunctionalInterface
public interface CredentialProvider {

  /** No credentials for any registry: every request is anonymous. */
  CredentialProvider ANONYMOUS = host -> Optional.empty();

  /**
   * The credential for {@code registryHost}, or empty to go anonymous.
   *
   * @throws IOException when a configured source (a credential helper, a config file) fails
   */
  Optional<Credential> credentialFor(String registryHost) throws IOException;
}
