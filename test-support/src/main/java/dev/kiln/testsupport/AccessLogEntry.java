package dev.kiln.testsupport;

/**
 * One request seen by a {@link FaultProxy}.
 *
 * @param method the HTTP method
 * @param path the request path without query
 * @param query the raw query, or empty
 * @param status the status sent to the client; {@code -1} when the connection was cut before a
 *     status line was sent
 * @param fault the simple name of the injected fault, or empty when passed through untouched
 */
public record AccessLogEntry(String method, String path, String query, int status, String fault) {
  /** Whether this request was passed through without a fault. */
  public boolean passedThrough() {
    return fault.isEmpty();
  }
}
