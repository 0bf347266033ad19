package dev.kiln.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobPullTest extends MockRegistry {

  static final String CONTENT = "0123456789".repeat(1000);
  static final Digest DIGEST = Digests.sha256(CONTENT);

  @TempDir Path dir;

  @Test
  void checkBlob_present_returnsSize() throws Exception {
    enqueue(200, "Content-Length", "10000", "Docker-Content-Digest", DIGEST.toString());
    assertThat(client().checkBlob("app", DIGEST)).hasValue(10000);
    RecordedRequest r = take();
    assertThat(r.getMethod()).isEqualTo("HEAD");
    assertThat(r.getTarget()).isEqualTo("/v2/app/blobs/" + DIGEST);
  }

  @Test
  void checkBlob_absent_returnsEmpty() throws Exception {
    enqueue(404);
    assertThat(client().checkBlob("app", DIGEST)).isEmpty();
  }

  @Test
  void pullBlob_streamsAndVerifies() throws Exception {
    enqueueBody(200, CONTENT);
    AtomicLong progressed = new AtomicLong();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n =
        client(
                b ->
                    b.progressListener(
                        new ProgressListener() {
                          @Override
                          public void bytesTransferred(Digest digest, long bytes) {
                            progressed.addAndGet(bytes);
                          }
                        }))
            .pullBlob("app", DIGEST, CONTENT.length(), out);

    assertThat(n).isEqualTo(CONTENT.length());
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(CONTENT);
    assertThat(progressed.get()).isEqualTo(CONTENT.length());
    assertThat(take().getHeaders().get("Accept-Encoding")).isEqualTo("identity");
  }

  @Test
  void pullBlob_wrongContent_throwsDigestMismatch() throws Exception {
    enqueueBody(200, CONTENT + "x");
    assertThatThrownBy(() -> client().pullBlob("app", DIGEST, -1, new ByteArrayOutputStream()))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("pulling blob " + DIGEST.shortForm() + " from " + host() + "/app");
  }

  @Test
  void pullBlob_wrongSize_throwsDigestMismatch() throws Exception {
    enqueueBody(200, CONTENT);
    assertThatThrownBy(() -> client().pullBlob("app", DIGEST, 5, new ByteArrayOutputStream()))
        .isInstanceOf(DigestMismatchException.class);
  }

  @Test
  void pullBlob_missing_throwsBlobUnknown() throws Exception {
    enqueueBody(404, errorJson("BLOB_UNKNOWN", "blob unknown to registry"));
    assertThatThrownBy(() -> client().pullBlob("app", DIGEST, -1, new ByteArrayOutputStream()))
        .isInstanceOf(BlobUnknownException.class);
  }

  @Test
  void pullBlob_connectionCutMidBody_resumesWithRange() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .body(CONTENT)
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .code(206)
            .addHeader("Content-Range", "bytes RANGE/10000")
            .body("")
            .build());
    // The second answer depends on where the first broke off, so build it from the request.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server.setDispatcher(new ResumeDispatcher(server.getDispatcher()));
    client().pullBlob("app", DIGEST, CONTENT.length(), out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(CONTENT);
    RecordedRequest first = take();
    RecordedRequest second = take();
    assertThat(first.getHeaders().get("Range")).isNull();
    assertThat(second.getHeaders().get("Range")).matches("bytes=[1-9][0-9]*-");
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void pullBlob_redirectToOtherHost_sendsNoAuthorization() throws Exception {
    try (MockWebServer cdn = new MockWebServer()) {
      cdn.start(InetAddress.getByName("127.0.0.1"), 0);
      cdn.enqueue(response(200, CONTENT));
      enqueue(307, "Location", cdn.url("/blobs/x?sig=secret").toString());
      FakeAuthorizer auth = new FakeAuthorizer("Bearer registry-token");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client(b -> b.authorizerFactory(h -> auth)).pullBlob("app", DIGEST, -1, out);

      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(CONTENT);
      assertThat(take().getHeaders().get("Authorization")).isEqualTo("Bearer registry-token");
      RecordedRequest atCdn = cdn.takeRequest();
      assertThat(atCdn.getTarget()).isEqualTo("/blobs/x?sig=secret");
      assertThat(atCdn.getHeaders().get("Authorization")).isNull();
    }
  }

  @Test
  void pullBlob_toPath_writesVerifiedFileAtomically() throws Exception {
    enqueueBody(200, CONTENT);
    Path target = dir.resolve("blob");
    client()
        .pullBlob(
            "app", Descriptor.of(MediaTypes.OCI_LAYER_GZIP, DIGEST, CONTENT.length()), target);
    assertThat(Files.readString(target)).isEqualTo(CONTENT);
    assertThat(Files.list(dir)).containsExactly(target);
  }

  @Test
  void pullBlob_toPathWithBadContent_leavesNoFile() throws Exception {
    enqueueBody(200, CONTENT + "x");
    Path target = dir.resolve("blob");
    assertThatThrownBy(
            () ->
                client()
                    .pullBlob(
                        "app",
                        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, DIGEST, CONTENT.length() + 1),
                        target))
        .isInstanceOf(DigestMismatchException.class);
    assertThat(Files.list(dir)).isEmpty();
  }

  /** Serves queued answers, but answers a Range request with the matching tail of CONTENT. */
  private static final class ResumeDispatcher extends mockwebserver3.Dispatcher {
    private final mockwebserver3.Dispatcher queue;

    ResumeDispatcher(mockwebserver3.Dispatcher queue) {
      this.queue = queue;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      MockResponse queued = queue.dispatch(request);
      String range = request.getHeaders().get("Range");
      if (range == null) {
        return queued;
      }
      int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      return new MockResponse.Builder()
          .code(206)
          .addHeader(
              "Content-Range",
              "bytes " + from + "-" + (CONTENT.length() - 1) + "/" + CONTENT.length())
          .body(CONTENT.substring(from))
          .build();
    }
  }
}
