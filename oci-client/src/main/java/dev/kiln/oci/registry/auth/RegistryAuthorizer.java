package dev.kiln.oci.registry.auth;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Supplies the {@code Authorization} header for requests to one registry host and learns from its
 * challenges. One instance serves one registry host and is shared by all threads talking to it, so
 * implementations must be thread-safe; concurrent requests for the same scopes should share one
 * token fetch.
 *
 * <p>The registry client calls {@link #authorization} before each request to the registry host
 * (never for redirects to other hosts) and, when the registry answers 401 with a challenge, {@link
 * #onChallenge} followed by one replay of the request.
 */
public interface RegistryAuthorizer {

  /** Never sends credentials and never retries. */
  RegistryAuthorizer ANONYMOUS =
      new RegistryAuthorizer() {
        @Override
        public Optional<String> authorization(Set<Scope> scopes) {
          return Optional.empty();
        }

        @Override
        public boolean onChallenge(List<String> wwwAuthenticate, Set<Scope> scopes) {
          return false;
        }
      };

  /**
   * The value of the {@code Authorization} header for a request that needs {@code scopes}, or empty
   * when no authorization is known yet (the request goes out anonymous and may draw a 401). May use
   * a cached token; never blocks longer than one token fetch.
   *
   * @throws IOException when obtaining a token fails
   */
  Optional<String> authorization(Set<Scope> scopes) throws IOException;

  /**
   * Learns from a 401 answer: parses the {@code WWW-Authenticate} headers, and fetches a new token
   * (merging the challenge's scopes with {@code scopes}) or switches to Basic.
   *
   * @return true when a new authorization is available and the request should be replayed once;
   *     false when retrying cannot help (no credentials, unknown scheme, token refused)
   * @throws IOException when the token endpoint fails in a way the caller should report
   */
  boolean onChallenge(List<String> wwwAuthenticate, Set<Scope> scopes) throws IOException;
}
