package dev.kiln.oci.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.TestCa;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** TLS registries: a test CA from PEM, an untrusted server, and mutual TLS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {

  Path dir;
  TestCa ca;
  RegistryContainer tls;
  RegistryContainer mtls;

  @BeforeAll
  void start() throws java.io.IOException {
    dir = java.nio.file.Files.createTempDirectory("kiln-tls-it");
    ca = TestCa.create(dir);
    tls = RegistryContainer.builder().tls(ca).build();
    tls.start();
    mtls = RegistryContainer.builder().tls(ca).requireClientCertificates().build();
    mtls.start();
  }

  @AfterAll
  void stop() {
    tls.close();
    mtls.close();
  }

  /** The registry's localhost address; {@code secure(true)} makes the client use HTTPS there. */
  private String host(RegistryContainer r) {
    return r.hostPort();
  }

  @Test
  void push_caTrustedFromPem_works() throws Exception {
    try (RegistryClient c =
        RegistryClient.builder(host(tls)).secure(true).addCaCertificate(ca.caCertPath()).build()) {
      assertThat(c.pushBlob("tls/app", BlobSource.of("over tls".getBytes())))
          .isEqualTo(BlobOutcome.PUSHED);
    }
  }

  @Test
  void push_caNotTrusted_failsWithTlsHint() throws Exception {
    try (RegistryClient c = RegistryClient.builder(host(tls)).secure(true).build()) {
      assertThatThrownBy(() -> c.ping())
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(host(tls))
          .hasMessageContainingAll("certificate");
    }
  }

  @Test
  void push_mutualTlsWithClientCertificate_works_andFailsWithout() throws Exception {
    try (RegistryClient c =
        RegistryClient.builder(host(mtls))
            .secure(true)
            .addCaCertificate(ca.caCertPath())
            .clientCertificate(ca.clientCertPath(), ca.clientKeyPath())
            .build()) {
      assertThat(c.pushBlob("mtls/app", BlobSource.of("mutual".getBytes())))
          .isEqualTo(BlobOutcome.PUSHED);
    }
    try (RegistryClient c =
        RegistryClient.builder(host(mtls)).secure(true).addCaCertificate(ca.caCertPath()).build()) {
      assertThatThrownBy(() -> c.ping()).isInstanceOf(RegistryException.class);
    }
  }
}
