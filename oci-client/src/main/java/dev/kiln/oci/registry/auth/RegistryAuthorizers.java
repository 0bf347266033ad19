package dev.kiln.oci.registry.auth;

import java.time.Clock;
import java.util.Objects;
import okhttp3.OkHttpClient;

/** Factories for {@link RegistryAuthorizer}s. */
public final class RegistryAuthorizers {

  private RegistryAuthorizers() {}

  /**
   * The default authorizer for one registry host: Basic or Bearer as the registry's challenges ask,
   * with tokens from the realm the registry names (GET per the Docker token spec, or the OAuth2
   * POST when an identity token is known), cached until shortly before they expire.
   *
   * @param http the HTTP client for token requests (share the registry client's, so TLS settings
   *     apply to the token endpoint too); okhttp drops {@code Authorization} on redirects to
   *     another host
   * @param registryHost the registry as written in references, e.g. {@code localhost:5000}
   * @param credentials where credentials for {@code registryHost} come from
   */
  public static RegistryAuthorizer create(
      OkHttpClient http, String registryHost, CredentialProvider credentials) {
    return create(http, registryHost, credentials, Clock.systemUTC());
  }

  /** As {@link #create(OkHttpClient, String, CredentialProvider)}, with a clock for tests. */
  public static RegistryAuthorizer create(
      OkHttpClient http, String registryHost, CredentialProvider credentials, Clock clock) {
    return new DefaultRegistryAuthorizer(
        Objects.requireNonNull(http, "http"),
        Objects.requireNonNull(registryHost, "registryHost"),
        Objects.requireNonNull(credentials, "credentials"),
        Objects.requireNonNull(clock, "clock"));
  }
}
