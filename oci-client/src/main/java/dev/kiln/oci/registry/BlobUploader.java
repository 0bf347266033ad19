package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;
import dev.kiln.oci.GrowingBlob;
import dev.kiln.oci.registry.auth.Scope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The upload-session requests: POST (optionally as a cross-repository mount), PATCH of one chunk,
 * PUT {@code ?digest=} to commit, DELETE to cancel. Every answer's Location is resolved against the
 * URL the request was finally sent to, and the newest Location is always the one used next (the
 * 2.8.2 registry rejects stale ones with BLOB_UPLOAD_INVALID).
 */
final class BlobUploader {

  /** An open upload session. */
  record Session(HttpUrl location, long minChunk) {}

  /** What a POST gave: a session, or null when the blob was mounted. */
  record Start(Session session) {
    boolean mounted() {
      return session == null;
    }
  }

  private static final RequestBody EMPTY = RequestBody.create(new byte[0]);

  private final RegistryTransport transport;

  BlobUploader(RegistryTransport transport) {
    this.transport = transport;
  }

  /** POST {@code uploads/}, or {@code uploads/?mount=&from=} when {@code mountFrom} is set. */
  Start start(String repository, Digest digest, String mountFrom, String context)
      throws RegistryException {
    HttpUrl.Builder url =
        transport
            .repo(repository)
            .addPathSegment("blobs")
            .addPathSegment("uploads")
            .addPathSegment("");
    Set<Scope> scopes = new LinkedHashSet<>();
    scopes.add(Scope.push(repository)); // push first: some registries read only the first scope
    if (mountFrom != null) {
      url.addQueryParameter("mount", digest.toString()).addQueryParameter("from", mountFrom);
      scopes.add(Scope.pull(mountFrom));
    }
    Exchange exchange =
        Exchange.of("POST", url.build(), scopes, context)
            .withBody(EMPTY, true)
            .notFound(ErrorCode.NAME_UNKNOWN);
    return transport.call(
        exchange,
        response -> {
          if (response.code() == 201) {
            return new Start(null);
          }
          return new Start(new Session(location(response, context), minChunk(response)));
        });
  }

  /** PATCH one chunk {@code [offset, offset+length)}; returns the next Location. */
  HttpUrl patch(
      String repository,
      HttpUrl location,
      BlobSource source,
      long offset,
      long length,
      ProgressTracker progress,
      String context)
      throws RegistryException {
    Exchange exchange =
        Exchange.of("PATCH", location, Set.of(Scope.push(repository)), context)
            .withHeaders(Headers.of("Content-Range", offset + "-" + (offset + length - 1)))
            .withBody(new SourceBody(source, offset, length, progress), source.replayable())
            .notFound(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    return transport.call(exchange, response -> nextLocation(response, location, context));
  }

  /**
   * PATCH the bytes of a blob being written, as they come, in one request of unknown length (a
   * stream upload: no {@code Content-Range}); returns the next Location. Sent once: a failure is
   * not retried, since the bytes already sent are gone.
   */
  HttpUrl stream(String repository, HttpUrl location, GrowingBlob blob, String context)
      throws RegistryException {
    Exchange exchange =
        Exchange.of("PATCH", location, Set.of(Scope.push(repository)), context)
            .withBody(new GrowingBody(blob), false)
            .notFound(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    return transport.call(exchange, response -> nextLocation(response, location, context));
  }

  /** The bytes of a blob being written, sent as the writer reports them. */
  private static final class GrowingBody extends RequestBody {
    private final GrowingBlob blob;

    GrowingBody(GrowingBlob blob) {
      this.blob = blob;
    }

    @Override
    public MediaType contentType() {
      return SourceBody.OCTET_STREAM;
    }

    @Override
    public long contentLength() {
      return -1;
    }

    @Override
    public boolean isOneShot() {
      return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      // Okio recycles only 64 KiB of segments per thread: larger writes would allocate new ones
      ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
      long position = 0;
      for (int n; (n = blob.read(position, buf)) >= 0; ) {
        position += n;
        if (!buf.hasRemaining()) {
          buf.flip();
          sink.write(buf);
          buf.clear();
        }
      }
      buf.flip();
      sink.write(buf);
    }
  }

  /**
   * PUT {@code <location>&digest=}, with the remaining bytes (monolithic) or none (after chunks).
   * Verifies the digest the registry reports, when it reports one.
   */
  void commit(
      String repository,
      HttpUrl location,
      Digest digest,
      BlobSource source,
      ProgressTracker progress,
      String context)
      throws RegistryException {
    HttpUrl url = location.newBuilder().addQueryParameter("digest", digest.toString()).build();
    Exchange exchange =
        Exchange.of("PUT", url, Set.of(Scope.push(repository)), context)
            .notFound(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    exchange =
        source == null
            ? exchange.withBody(EMPTY, true)
            : exchange.withBody(
                new SourceBody(source, 0, source.size(), progress), source.replayable());
    transport.call(
        exchange,
        response -> {
          String header = response.header("Docker-Content-Digest");
          if (header != null && Digest.isValid(header.trim())) {
            Digest stored = Digest.parse(header.trim());
            if (!stored.equals(digest)) {
              throw new DigestMismatchException(
                  context + ": the registry stored the blob as " + stored, digest, stored);
            }
          }
          return null;
        });
  }

  /** DELETE the session; failures are ignored because the session may already be gone. */
  void cancel(String repository, HttpUrl location, String context) {
    Exchange exchange =
        Exchange.of("DELETE", location, Set.of(Scope.push(repository)), context + " (cancelling)");
    try {
      transport.call(exchange, response -> null);
    } catch (RegistryException e) {
      // Best effort: an abandoned session expires on the registry anyway.
    }
  }

  /** The Location an upload step answered with, or {@code location} when it sent none. */
  private static HttpUrl nextLocation(Response response, HttpUrl location, String context)
      throws RegistryException {
    return response.header("Location") == null ? location : location(response, context);
  }

  private static HttpUrl location(Response response, String context) throws RegistryException {
    String location = response.header("Location");
    HttpUrl resolved = location == null ? null : response.request().url().resolve(location.trim());
    if (resolved == null) {
      throw new RegistryException(
          context
              + ": the registry answered "
              + response.code()
              + " without a usable upload Location",
          response.code(),
          java.util.List.of(),
          null);
    }
    return resolved;
  }

  private static long minChunk(Response response) {
    String value = response.header("OCI-Chunk-Min-Length");
    try {
      return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
