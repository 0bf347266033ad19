package dev.kiln.oci.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digest;
import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.TestCa;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against the real registry serving HTTPS from a test CA, and a second one requiring
 * client certificates (mutual TLS). The registries run on {@code localhost}: configuring a CA or
 * client certificate makes the client use HTTPS there.
 */
class TlsRegistryIT {

  private static Path dir;
  private static TestCa ca;
  private static TestCa otherCa;
  private static RegistryContainer tls;
  private static RegistryContainer mutual;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("kiln-tls-it");
    ca = TestCa.create(dir.resolve("ca"));
    otherCa = TestCa.create(dir.resolve("other"));
    tls = RegistryContainer.builder().tls(ca).build();
    mutual = RegistryContainer.builder().tls(ca).requireClientCertificates().build();
    tls.start();
    mutual.start();
  }

  @AfterAll
  static void stop() {
    if (tls != null) {
      tls.close();
    }
    if (mutual != null) {
      mutual.close();
    }
  }

  @Test
  void pushImage_withCaCertificate_pushesAndPullsOverHttps() throws Exception {
    TestImages.Image image = TestImages.image(true, "TLS=1", TestImages.layer("t", "tls"));
    try (RegistryClient client =
        RegistryClient.builder(tls.hostPort()).addCaCertificate(ca.caCertPath()).build()) {
      Digest digest = image.push(client, "tls/app", "v1");
      assertThat(client.pullManifest("tls/app", "v1").digest()).isEqualTo(digest);
      TestImages.Layer layer = image.layers().get(0);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client.pullBlob("tls/app", layer.digest(), layer.blob().length, out);
      assertThat(out.toByteArray()).isEqualTo(layer.blob());
    }
  }

  @Test
  void ping_withCertificateOfAnotherCa_failsWithClearTlsError() throws Exception {
    try (RegistryClient client =
        RegistryClient.builder(tls.hostPort()).addCaCertificate(otherCa.caCertPath()).build()) {
      assertThatThrownBy(client::ping)
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(tls.hostPort())
          .hasMessageContaining("TLS")
          .hasMessageContaining("CA");
    }
  }

  @Test
  void ping_withoutCaCertificate_failsAsPlainHttpToTlsPort() throws Exception {
    // Without TLS material a loopback registry is spoken to in plain HTTP, as Docker does.
    try (RegistryClient client = RegistryClient.builder(tls.hostPort()).build()) {
      assertThatThrownBy(client::ping)
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(tls.hostPort())
          .hasMessageContaining("HTTPS server")
          .satisfies(e -> assertThat(((RegistryException) e).statusCode()).isEqualTo(400));
    }
  }

  @Test
  void pushBlob_mutualTlsWithClientCertificate_pushes() throws Exception {
    byte[] blob = "mutual tls".getBytes();
    try (RegistryClient client =
        RegistryClient.builder(mutual.hostPort())
            .addCaCertificate(ca.caCertPath())
            .clientCertificate(ca.clientCertPath(), ca.clientKeyPath())
            .build()) {
      assertThat(client.pushBlob("mtls/app", BlobSource.of(blob))).isEqualTo(BlobOutcome.PUSHED);
      assertThat(client.checkBlob("mtls/app", BlobSource.of(blob).digest())).hasValue(blob.length);
    }
  }

  @Test
  void ping_mutualTlsWithoutClientCertificate_failsWithTlsError() throws Exception {
    try (RegistryClient client =
        RegistryClient.builder(mutual.hostPort()).addCaCertificate(ca.caCertPath()).build()) {
      assertThatThrownBy(client::ping)
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(mutual.hostPort())
          .hasMessageContaining("SSLHandshakeException");
    }
  }
}
