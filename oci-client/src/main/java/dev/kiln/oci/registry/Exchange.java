package dev.kiln.oci.registry;

import dev.kiln.oci.registry.auth.Scope;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.RequestBody;

/**
 * One request to send through {@link RegistryTransport}, with what the transport needs to know to
 * authorise, retry and describe it.
 *
 * @param method the HTTP method
 * @param url the target (the registry, or an upload Location on any host)
 * @param headers extra headers (Accept, Content-Type, Range…)
 * @param body the body, or null
 * @param replayable whether the request may be sent again (false for one-shot bodies)
 * @param scopes the token scopes the request needs, most important first
 * @param context what is being done, for messages ("pulling manifest latest from host/repo")
 * @param notFound the error code a 404 without a readable body means
 * @param passThrough non-2xx statuses handed to the handler instead of raising an error
 */
record Exchange(
    String method,
    HttpUrl url,
    Headers headers,
    RequestBody body,
    boolean replayable,
    Set<Scope> scopes,
    String context,
    ErrorCode notFound,
    Set<Integer> passThrough) {

  Exchange {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(context, "context");
    headers = headers == null ? Headers.of() : headers;
    scopes = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
    passThrough = Set.copyOf(passThrough);
  }

  /** A bodiless request. */
  static Exchange of(String method, HttpUrl url, Set<Scope> scopes, String context) {
    return new Exchange(
        method, url, null, null, true, scopes, context, ErrorCode.UNRECOGNIZED, Set.of());
  }

  Exchange withHeaders(Headers newHeaders) {
    return new Exchange(
        method, url, newHeaders, body, replayable, scopes, context, notFound, passThrough);
  }

  Exchange withBody(RequestBody newBody, boolean newReplayable) {
    return new Exchange(
        method, url, headers, newBody, newReplayable, scopes, context, notFound, passThrough);
  }

  Exchange notFound(ErrorCode code) {
    return new Exchange(method, url, headers, body, replayable, scopes, context, code, passThrough);
  }

  Exchange passThrough(Integer... codes) {
    return new Exchange(
        method, url, headers, body, replayable, scopes, context, notFound, Set.of(codes));
  }
}
