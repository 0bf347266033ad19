package dev.kiln.oci.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digests;
import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import dev.kiln.oci.registry.RetryPolicy;
import dev.kiln.testsupport.AccessLogEntry;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.FaultRule;
import dev.kiln.testsupport.RegistryContainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every fault class the proxy can inject in front of the real registry either recovers through the
 * client's retries or fails with a clear error, and never leaves a corrupt blob behind: after each
 * test the registry holds the blob with the right digest, or not at all.
 */
class FaultIT {

  private static final RetryPolicy FAST =
      new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2));

  private static RegistryContainer registry;
  private static FaultProxy proxy;
  private static RegistryClient client;
  private static RegistryClient direct;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryContainer.open();
    registry.start();
    proxy = FaultProxy.start(registry.baseUrl());
    client = RegistryClient.builder(proxy.hostPort()).retryPolicy(FAST).build();
    direct = RegistryClient.builder(registry.hostPort()).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    direct.close();
    proxy.close();
    registry.close();
  }

  @AfterEach
  void reset() {
    proxy.clearRules();
    proxy.clearAccessLog();
  }

  private static TestImages.Layer blob(long seed) {
    return TestImages.randomLayer(200 * 1024, seed);
  }

  /** The registry has the blob under its digest, with exactly its bytes. */
  private static void assertStoredIntact(String repo, TestImages.Layer l) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    direct.pullBlob(repo, l.digest(), l.blob().length, out);
    assertThat(Digests.sha256(out.toByteArray())).isEqualTo(l.digest());
  }

  @Test
  void upload_429WithRetryAfter_waitsAndSucceeds() throws Exception {
    TestImages.Layer l = blob(1);
    FaultRule rule = FaultRule.on("PUT", ".*/blobs/uploads/.*").nth(1).tooManyRequests(1);
    proxy.addRule(rule);
    assertThat(client.pushBlob("faults/a", BlobSource.of(l.blob()))).isEqualTo(BlobOutcome.PUSHED);
    assertThat(proxy.accessLog())
        .filteredOn(e -> e.method().equals("PUT"))
        .extracting(AccessLogEntry::status)
        .containsExactly(429, 201);
    assertStoredIntact("faults/a", l);
  }

  @Test
  void manifestPut_500Then503_retriesAndSucceeds() throws Exception {
    TestImages.Image image = TestImages.image(true, "F=1", TestImages.layer("f", "f"));
    proxy.addRule(FaultRule.on("PUT", ".*/manifests/.*").times(2).respond(503));
    assertThat(image.push(client, "faults/m", "v1")).isEqualTo(image.manifest().digest());
    assertThat(proxy.accessLog())
        .filteredOn(e -> e.method().equals("PUT") && e.path().contains("/manifests/"))
        .extracting(AccessLogEntry::status)
        .containsExactly(503, 503, 201);
  }

  @Test
  void upload_503Always_failsClearlyAndLeavesNoBlob() throws Exception {
    TestImages.Layer l = blob(2);
    proxy.addRule(FaultRule.on("PUT", ".*/blobs/uploads/.*").always().respond(503));
    assertThatThrownBy(() -> client.pushBlob("faults/b", BlobSource.of(l.blob())))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(l.digest().toString().substring(0, 19))
        .hasMessageContaining("503");
    assertThat(direct.checkBlob("faults/b", l.digest())).isEmpty();
  }

  @Test
  void upload_requestBodyCut_isReplayedFromTheSourceAndStoredIntact() throws Exception {
    TestImages.Layer l = blob(3);
    proxy.addRule(FaultRule.on("PUT", ".*/blobs/uploads/.*").nth(1).cutRequestBodyAfter(64 * 1024));
    assertThat(client.pushBlob("faults/c", BlobSource.of(l.blob()))).isEqualTo(BlobOutcome.PUSHED);
    assertStoredIntact("faults/c", l);
  }

  @Test
  void upload_oneShotStreamCut_failsWithoutRetryAndLeavesNoBlob() throws Exception {
    TestImages.Layer l = blob(4);
    proxy.addRule(FaultRule.on("PUT", ".*/blobs/uploads/.*").nth(1).cutRequestBodyAfter(64 * 1024));
    assertThatThrownBy(
            () ->
                client.pushBlob(
                    "faults/d",
                    BlobSource.oneShot(
                        new ByteArrayInputStream(l.blob()), l.digest(), l.blob().length)))
        .isInstanceOf(RegistryException.class);
    assertThat(direct.checkBlob("faults/d", l.digest())).isEmpty();
  }

  @Test
  void download_responseBodyCut_resumesAndVerifies() throws Exception {
    TestImages.Layer l = blob(5);
    direct.pushBlob("faults/e", BlobSource.of(l.blob()));
    proxy.addRule(FaultRule.on("GET", ".*/blobs/sha256:.*").nth(1).cutResponseBodyAfter(50_000));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.pullBlob("faults/e", l.digest(), l.blob().length, out);
    assertThat(out.toByteArray()).isEqualTo(l.blob());
  }

  @Test
  void download_alwaysCut_failsClearly() throws Exception {
    TestImages.Layer l = blob(6);
    direct.pushBlob("faults/g", BlobSource.of(l.blob()));
    proxy.addRule(FaultRule.on("GET", ".*/blobs/sha256:.*").always().cutResponseBodyAfter(10_000));
    assertThatThrownBy(
            () ->
                client.pullBlob(
                    "faults/g",
                    l.digest(),
                    l.blob().length,
                    java.io.OutputStream.nullOutputStream()))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(l.digest().toString().substring(0, 19));
  }

  @Test
  void slowAnswers_areWaitedFor() throws Exception {
    TestImages.Layer l = blob(7);
    proxy.addRule(FaultRule.on("*", ".*").times(3).delay(Duration.ofMillis(300)));
    assertThat(client.pushBlob("faults/h", BlobSource.of(l.blob()))).isEqualTo(BlobOutcome.PUSHED);
    assertStoredIntact("faults/h", l);
  }
}
