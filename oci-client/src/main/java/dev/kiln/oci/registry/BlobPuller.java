package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.registry.auth.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * {@code GET /v2/<repo>/blobs/<digest>}, streaming into an output while hashing and counting. A
 * read that breaks off after some bytes is resumed with {@code Range: bytes=<n>-} (a server that
 * ignores Range and sends 200 has the first bytes skipped), within the retry policy's attempts.
 * Redirects (CDN, S3) are followed by okhttp, which drops Authorization when the host changes.
 */
final class BlobPuller {

  private final RegistryTransport transport;
  private final ProgressListener listener;

  BlobPuller(RegistryTransport transport, ProgressListener listener) {
    this.transport = transport;
    this.listener = listener;
  }

  /** Outcome of one GET: the stream ended (done) or broke off (resume from the count). */
  private record Part(boolean done, IOException failure) {}

  long pull(String repository, Digest digest, long expectedSize, OutputStream out)
      throws RegistryException {
    String context =
        "pulling blob "
            + digest.shortForm()
            + " from "
            + transport.registryHost()
            + "/"
            + repository;
    HttpUrl url =
        transport
            .repo(repository)
            .addPathSegment("blobs")
            .addPathSegment(digest.toString())
            .build();
    Digests.CountingDigestOutputStream counting =
        new Digests.CountingDigestOutputStream(nonClosing(out), digest.algorithm());
    ProgressTracker progress = new ProgressTracker(listener, digest);
    RetryPolicy retry = transport.retryPolicy();
    for (int attempt = 1; ; attempt++) {
      long have = counting.count();
      Headers.Builder headers = new Headers.Builder().add("Accept-Encoding", "identity");
      if (have > 0) {
        headers.add("Range", "bytes=" + have + "-");
      }
      Exchange exchange =
          Exchange.of("GET", url, Set.of(Scope.pull(repository)), context)
              .withHeaders(headers.build())
              .notFound(ErrorCode.BLOB_UNKNOWN);
      Part part =
          transport.call(
              exchange,
              response -> {
                long skip = 0;
                if (have > 0 && response.code() != 206) {
                  skip = have; // the server ignored Range: drop what we already have
                } else if (have > 0) {
                  checkContentRange(response.header("Content-Range"), have, context);
                }
                try (InputStream in = response.body().byteStream()) {
                  in.skipNBytes(skip);
                  byte[] buf = new byte[64 * 1024];
                  for (int n; (n = in.read(buf)) >= 0; ) {
                    counting.write(buf, 0, n);
                    progress.reached(counting.count());
                    if (expectedSize >= 0 && counting.count() > expectedSize) {
                      throw new DigestMismatchException(
                          context + ": more than the expected " + expectedSize + " bytes arrived",
                          digest,
                          null);
                    }
                  }
                  return new Part(true, null);
                } catch (IOException e) {
                  if (e instanceof OutputFailure) {
                    // Not a network failure: a retry could not help and must not rewrite output.
                    throw new RegistryException(context + ": " + e.getMessage(), e.getCause());
                  }
                  return new Part(false, e);
                }
              });
      if (part.done()) {
        break;
      }
      if (attempt >= retry.maxAttempts() || !RegistryTransport.isRetryableIo(part.failure())) {
        throw new RegistryException(
            context
                + ": the download broke off after "
                + counting.count()
                + " bytes: "
                + RegistryTransport.describe(part.failure())
                + (attempt > 1 ? " (gave up after " + attempt + " attempts)" : ""),
            part.failure());
      }
      transport.pause(exchange, retry.backoff(attempt), true);
    }
    Digest actual = counting.digest();
    if (expectedSize >= 0 && counting.count() != expectedSize) {
      throw new DigestMismatchException(
          context + ": expected " + expectedSize + " bytes, got " + counting.count(),
          digest,
          actual);
    }
    if (!actual.equals(digest)) {
      throw new DigestMismatchException(
          context + ": the content hashes to " + actual, digest, actual);
    }
    return counting.count();
  }

  private static void checkContentRange(String contentRange, long have, String context)
      throws RegistryException {
    // "bytes <start>-<end>/<total>": the part must start where we stopped.
    if (contentRange == null || !contentRange.trim().startsWith("bytes " + have + "-")) {
      throw new RegistryException(
          context
              + ": resumed download answered Content-Range "
              + contentRange
              + ", not from "
              + have,
          null);
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        try {
          out.write(b);
        } catch (IOException e) {
          throw new OutputFailure(e);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          throw new OutputFailure(e);
        }
      }
    };
  }

  /** Marks an IOException raised by the destination rather than by the network. */
  private static final class OutputFailure extends IOException {
    OutputFailure(IOException cause) {
      super("writing the blob failed: " + cause.getMessage(), cause);
    }
  }
}
