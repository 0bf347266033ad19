package dev.kiln.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.GrowingBlob;
import dev.kiln.oci.registry.auth.Scope;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobPushTest extends MockRegistry {

  static final byte[] BLOB = "0123456789".getBytes(StandardCharsets.UTF_8);
  static final Digest DIGEST = Digests.sha256(BLOB);

  @TempDir Path dir;

  @Test
  void pushBlob_existing_skipsUpload() throws Exception {
    enqueue(200, "Content-Length", "10");
    assertThat(client().pushBlob("app", BlobSource.of(BLOB))).isEqualTo(BlobOutcome.EXISTING);
    assertThat(take().getMethod()).isEqualTo("HEAD");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void pushBlob_monolithic_postsThenPutsWholeBlobWithDigest() throws Exception {
    enqueue(404);
    enqueue(202, "Location", "/v2/app/blobs/uploads/u1?_state=abc");
    enqueue(201, "Docker-Content-Digest", DIGEST.toString());
    assertThat(client().pushBlob("app", BlobSource.of(BLOB))).isEqualTo(BlobOutcome.PUSHED);

    take();
    RecordedRequest post = take();
    assertThat(post.getMethod()).isEqualTo("POST");
    assertThat(post.getTarget()).isEqualTo("/v2/app/blobs/uploads/");
    assertThat(post.getHeaders().get("Content-Length")).isEqualTo("0");
    RecordedRequest put = take();
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getTarget())
        .isEqualTo("/v2/app/blobs/uploads/u1?_state=abc&digest=" + enc(DIGEST));
    assertThat(put.getBody().toByteArray()).isEqualTo(BLOB);
    assertThat(put.getHeaders().get("Content-Type")).isEqualTo("application/octet-stream");
  }

  @Test
  void pushBlob_chunked_followsNewestLocationEachStep() throws Exception {
    enqueue(404);
    enqueue(202, "Location", "/v2/app/blobs/uploads/u1?_state=a");
    enqueue(202, "Location", server.url("/v2/app/blobs/uploads/u1?_state=b").toString());
    enqueue(202, "Location", "u1?_state=c"); // relative to the PATCH URL
    enqueue(202, "Location", "/v2/app/blobs/uploads/u1?_state=d");
    enqueue(201);
    RegistryClient c = client(b -> b.uploadMode(UploadMode.CHUNKED).chunkSize(4));
    Path file = dir.resolve("blob");
    Files.write(file, BLOB);
    assertThat(c.pushBlob("app", BlobSource.ofFile(file))).isEqualTo(BlobOutcome.PUSHED);

    take();
    take();
    RecordedRequest p1 = take();
    RecordedRequest p2 = take();
    RecordedRequest p3 = take();
    RecordedRequest put = take();
    assertThat(List.of(p1.getMethod(), p2.getMethod(), p3.getMethod())).containsOnly("PATCH");
    assertThat(p1.getTarget()).isEqualTo("/v2/app/blobs/uploads/u1?_state=a");
    assertThat(p2.getTarget()).isEqualTo("/v2/app/blobs/uploads/u1?_state=b");
    assertThat(p3.getTarget()).isEqualTo("/v2/app/blobs/uploads/u1?_state=c");
    assertThat(p1.getHeaders().get("Content-Range")).isEqualTo("0-3");
    assertThat(p2.getHeaders().get("Content-Range")).isEqualTo("4-7");
    assertThat(p3.getHeaders().get("Content-Range")).isEqualTo("8-9");
    assertThat(p1.getBody().utf8() + p2.getBody().utf8() + p3.getBody().utf8())
        .isEqualTo("0123456789");
    assertThat(put.getTarget())
        .isEqualTo("/v2/app/blobs/uploads/u1?_state=d&digest=" + enc(DIGEST));
    assertThat(put.getBodySize()).isZero();
  }

  @Test
  void pushBlob_chunked_honoursOciChunkMinLength() throws Exception {
    enqueue(404);
    enqueue(202, "Location", "/up/1", "OCI-Chunk-Min-Length", "8");
    enqueue(202, "Location", "/up/2");
    enqueue(202, "Location", "/up/3");
    enqueue(201);
    client(b -> b.uploadMode(UploadMode.CHUNKED).chunkSize(4)).pushBlob("app", BlobSource.of(BLOB));

    take();
    take();
    assertThat(take().getHeaders().get("Content-Range")).isEqualTo("0-7");
    assertThat(take().getHeaders().get("Content-Range")).isEqualTo("8-9");
    assertThat(take().getTarget()).startsWith("/up/3?digest=");
  }

  @Test
  void pushBlob_uploadUnknown_cancelsAndRestartsFromPost() throws Exception {
    enqueue(404);
    enqueue(202, "Location", "/up/1");
    enqueueBody(404, errorJson("BLOB_UPLOAD_UNKNOWN", "blob upload unknown"));
    enqueue(204);
    enqueue(202, "Location", "/up/2");
    enqueue(201);
    assertThat(client().pushBlob("app", BlobSource.of(BLOB))).isEqualTo(BlobOutcome.PUSHED);

    List<String> lines =
        List.of(
            take().getRequestLine(),
            take().getRequestLine(),
            take().getRequestLine(),
            take().getRequestLine(),
            take().getRequestLine(),
            take().getRequestLine());
    assertThat(lines)
        .extracting(l -> l.substring(0, l.indexOf('?') > 0 ? l.indexOf('?') : l.lastIndexOf(' ')))
        .containsExactly(
            "HEAD /v2/app/blobs/" + DIGEST,
            "POST /v2/app/blobs/uploads/",
            "PUT /up/1",
            "DELETE /up/1",
            "POST /v2/app/blobs/uploads/",
            "PUT /up/2");
  }

  @Test
  void pushBlob_digestInvalid_failsWithContextAndCancels() throws Exception {
    enqueue(404);
    enqueue(202, "Location", "/up/1");
    enqueueBody(400, errorJson("DIGEST_INVALID", "provided digest did not match uploaded content"));
    enqueue(204);
    assertThatThrownBy(() -> client().pushBlob("app", BlobSource.of(BLOB)))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.errorCode()).contains(ErrorCode.DIGEST_INVALID))
        .hasMessageStartingWith(
            "pushing blob "
                + DIGEST.shortForm()
                + " to "
                + host()
                + "/app: HTTP 400: DIGEST_INVALID");
    take();
    take();
    take();
    assertThat(take().getMethod()).isEqualTo("DELETE");
  }

  @Test
  void pushBlob_mount201_isMountedWithSourcePullScope() throws Exception {
    FakeAuthorizer auth = new FakeAuthorizer("Bearer t");
    enqueue(404);
    enqueue(201, "Docker-Content-Digest", DIGEST.toString());
    RegistryClient c = client(b -> b.authorizerFactory(h -> auth));
    assertThat(c.pushBlob("app", BlobSource.of(BLOB), "base/img")).isEqualTo(BlobOutcome.MOUNTED);

    take();
    RecordedRequest post = take();
    assertThat(post.getTarget())
        .isEqualTo("/v2/app/blobs/uploads/?mount=" + enc(DIGEST) + "&from=base%2Fimg");
    assertThat(auth.requested.get(1)).containsExactly(Scope.push("app"), Scope.pull("base/img"));
  }

  @Test
  void pushBlob_mount202_continuesWithReturnedSession() throws Exception {
    enqueue(404);
    enqueue(202, "Location", "/up/m");
    enqueue(201);
    assertThat(client().pushBlob("app", BlobSource.of(BLOB), "base/img"))
        .isEqualTo(BlobOutcome.PUSHED);
    take();
    take();
    assertThat(take().getTarget()).startsWith("/up/m?digest=");
  }

  @Test
  void pushBlob_mountRefused_retriesWithoutMount() throws Exception {
    enqueue(404);
    enqueueBody(403, errorJson("DENIED", "requested access to the resource is denied"));
    enqueue(202, "Location", "/up/1");
    enqueue(201);
    assertThat(client().pushBlob("app", BlobSource.of(BLOB), "base/img"))
        .isEqualTo(BlobOutcome.PUSHED);
    take();
    assertThat(take().getTarget()).contains("mount=");
    assertThat(take().getTarget()).isEqualTo("/v2/app/blobs/uploads/");
    assertThat(take().getMethod()).isEqualTo("PUT");
  }

  @Test
  void pushBlob_connectionCutDuringBody_replaysFromFile() throws Exception {
    Path file = dir.resolve("blob");
    Files.write(file, BLOB);
    enqueue(404);
    enqueue(202, "Location", "/up/1");
    server.enqueue(
        new MockResponse.Builder().onRequestBody(SocketEffect.ShutdownConnection.INSTANCE).build());
    enqueue(201);
    assertThat(client().pushBlob("app", BlobSource.ofFile(file))).isEqualTo(BlobOutcome.PUSHED);

    take();
    take();
    take();
    RecordedRequest replay = take();
    assertThat(replay.getMethod()).isEqualTo("PUT");
    assertThat(replay.getBody().toByteArray()).isEqualTo(BLOB);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void pushBlob_oneShotSource_isNotRetried() throws Exception {
    enqueue(404);
    enqueue(202, "Location", "/up/1");
    enqueue(503);
    enqueue(204);
    BlobSource once = BlobSource.oneShot(new ByteArrayInputStream(BLOB), DIGEST, BLOB.length);
    assertThatThrownBy(() -> client().pushBlob("app", once))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("HTTP 503")
        .hasMessageNotContaining("gave up");
    assertThat(sleeps).isEmpty();
    take();
    take();
    assertThat(take().getMethod()).isEqualTo("PUT");
    assertThat(take().getMethod()).isEqualTo("DELETE");
  }

  @Test
  void pushGrowingBlob_sendsTheBytesAsWrittenInOneStreamPatch_thenPutsTheDigest() throws Exception {
    enqueue(202, "Location", "/v2/app/blobs/uploads/u1?_state=a");
    enqueue(202, "Location", "/v2/app/blobs/uploads/u1?_state=b");
    enqueue(201, "Docker-Content-Digest", DIGEST.toString());
    Path file = dir.resolve("growing");
    Files.write(file, new byte[0]);
    GrowingBlob blob = new GrowingBlob(file);
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < BLOB.length; i += 3) {
                  int n = Math.min(3, BLOB.length - i);
                  Files.write(
                      file,
                      java.util.Arrays.copyOfRange(BLOB, i, i + n),
                      java.nio.file.StandardOpenOption.APPEND);
                  blob.appended(i + n);
                  Thread.sleep(20);
                }
                blob.completed(DIGEST, BLOB.length);
              } catch (Exception e) {
                blob.failed(new java.io.IOException(e));
              }
            });
    writer.start();

    assertThat(client().pushGrowingBlob("app", blob)).isEqualTo(BlobOutcome.PUSHED);
    writer.join();

    RecordedRequest post = take();
    assertThat(post.getMethod()).isEqualTo("POST");
    assertThat(post.getTarget()).isEqualTo("/v2/app/blobs/uploads/");
    RecordedRequest patch = take();
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getTarget()).isEqualTo("/v2/app/blobs/uploads/u1?_state=a");
    assertThat(patch.getHeaders().get("Content-Range")).isNull();
    assertThat(patch.getHeaders().get("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(patch.getBody().toByteArray()).isEqualTo(BLOB);
    RecordedRequest put = take();
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getTarget())
        .isEqualTo("/v2/app/blobs/uploads/u1?_state=b&digest=" + enc(DIGEST));
    assertThat(put.getBody().size()).isZero();
  }

  @Test
  void pushGrowingBlob_writerFails_failsNamingItAndCancelsTheSession() throws Exception {
    enqueue(202, "Location", "/up/1");
    enqueue(202, "Location", "/up/1");
    enqueue(204);
    Path file = dir.resolve("growing");
    Files.write(file, BLOB);
    GrowingBlob blob = new GrowingBlob(file);
    blob.appended(4);
    blob.failed(new java.io.IOException("disk full"));

    assertThatThrownBy(() -> client().pushGrowingBlob("app", blob))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("disk full");
    assertThat(sleeps).as("sent once, never retried").isEmpty();
    assertThat(take().getMethod()).isEqualTo("POST");
    // the PATCH breaks off while its body is sent (the mock server may or may not record it)
    RecordedRequest next = take();
    RecordedRequest cancel = next.getMethod().equals("PATCH") ? take() : next;
    assertThat(cancel.getMethod()).isEqualTo("DELETE");
    assertThat(cancel.getTarget()).isEqualTo("/up/1");
  }

  @Test
  void pushBlob_progress_reportsMonotonicBytesAndOutcome() throws Exception {
    enqueue(404);
    enqueue(202, "Location", "/up/1");
    enqueue(503);
    enqueue(201);
    List<Long> bytes = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<BlobOutcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    client(
            b ->
                b.progressListener(
                    new ProgressListener() {
                      @Override
                      public void bytesTransferred(Digest digest, long n) {
                        bytes.add(n);
                      }

                      @Override
                      public void blobPushed(Digest digest, BlobOutcome outcome) {
                        outcomes.add(outcome);
                      }
                    }))
        .pushBlob("app", BlobSource.of(BLOB));
    assertThat(bytes.stream().mapToLong(Long::longValue).sum()).isEqualTo(BLOB.length);
    assertThat(outcomes).containsExactly(BlobOutcome.PUSHED);
  }

  private static String enc(Digest d) {
    return d.toString().replace(":", "%3A");
  }
}
