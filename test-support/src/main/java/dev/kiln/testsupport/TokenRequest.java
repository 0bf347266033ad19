package dev.kiln.testsupport;

import java.util.List;

/**
 * What a {@link TokenServer} saw and answered, for assertions. Carries no secret.
 *
 * @param method {@code GET} (Docker token spec) or {@code POST} (OAuth2 form)
 * @param grantType {@code password} or {@code refresh_token} for POST, {@code basic} or {@code
 *     anonymous} for GET
 * @param subject the authenticated user, or {@code null} when anonymous or rejected
 * @param scopes the scopes asked for, in request order
 * @param service the {@code service} parameter
 * @param status the HTTP status answered
 * @param refreshTokenIssued whether the answer carried a refresh token
 */
public record TokenRequest(
    String method,
    String grantType,
    String subject,
    List<String> scopes,
    String service,
    int status,
    boolean refreshTokenIssued) {
  /** Copies the scope list. */
  public TokenRequest {
    scopes = List.copyOf(scopes);
  }
}
