package dev.kiln.oci.registry.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Simple {@link CredentialProvider}s: fixed credentials and chains. */
public final class CredentialProviders {

  private CredentialProviders() {}

  /** A provider that knows one credential for one registry host. */
  public static CredentialProvider fixed(String registryHost, Credential credential) {
    return of(Map.of(registryHost, credential));
  }

  /** A provider backed by a map from registry host to credential (copied). */
  public static CredentialProvider of(Map<String, Credential> byHost) {
    Map<String, Credential> copy = Map.copyOf(byHost);
    return host -> Optional.ofNullable(copy.get(host));
  }

  /** Asks each provider in turn; the first that knows the host wins. */
  public static CredentialProvider chain(List<CredentialProvider> providers) {
    List<CredentialProvider> copy = List.copyOf(providers);
    return host -> {
      for (CredentialProvider p : copy) {
        Optional<Credential> c = p.credentialFor(host);
        if (c.isPresent()) {
          return c;
        }
      }
      return Optional.empty();
    };
  }
}
