package dev.kiln.oci.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The useful part of a token endpoint's answer (Docker token spec and OAuth2): the bearer token,
 * how long it lives, and an optional refresh token. {@link #toString()} hides the secrets.
 */
record TokenResponse(String token, Duration expiresIn, Instant issuedAt, String refreshToken) {

  /** The Docker token spec's default lifetime when {@code expires_in} is absent. */
  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();

  static TokenResponse parse(byte[] body, Instant now) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IOException("the token endpoint answered with something that is not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("the token endpoint answered with something that is not a JSON object");
    }
    String token = text(root, "token");
    if (token == null) {
      token = text(root, "access_token");
    }
    if (token == null) {
      throw new IOException("the token endpoint's answer has neither 'token' nor 'access_token'");
    }
    long seconds = root.path("expires_in").asLong(0);
    Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_LIFETIME;
    Instant issued = now;
    String issuedAt = text(root, "issued_at");
    if (issuedAt != null) {
      try {
        Instant parsed = Instant.parse(issuedAt);
        // A skewed server clock must not make a fresh token look stale or immortal.
        if (!parsed.isAfter(now) && Duration.between(parsed, now).compareTo(lifetime) < 0) {
          issued = parsed;
        }
      } catch (DateTimeParseException e) {
        // ignore: fall back to our own clock
      }
    }
    return new TokenResponse(token, lifetime, issued, text(root, "refresh_token"));
  }

  /** When the token should no longer be used: its expiry less a safety margin. */
  Instant usableUntil() {
    long seconds = expiresIn.toSeconds();
    long margin = Math.min(30, Math.max(1, seconds / 10));
    return issuedAt.plusSeconds(Math.max(1, seconds - margin));
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }

  @Override
  public String toString() {
    return "TokenResponse[expiresIn=" + expiresIn + ", issuedAt=" + issuedAt + "]";
  }
}
