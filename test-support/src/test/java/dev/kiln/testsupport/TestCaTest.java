package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCaTest {
  @TempDir Path dir;

  @Test
  void create_writesPemFilesAndTrustsItsServerCertificate() throws Exception {
    TestCa ca = TestCa.create(dir);

    assertThat(Files.readString(ca.caCertPath())).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(ca.serverKeyPath())).contains("PRIVATE KEY-----");
    assertThat(Files.readString(ca.clientCertPath())).startsWith("-----BEGIN CERTIFICATE-----");
    ca.serverCertificate().verify(ca.caCertificate().getPublicKey());
    ca.trustManager()
        .checkServerTrusted(
            new X509Certificate[] {ca.serverCertificate(), ca.caCertificate()}, "ECDHE_ECDSA");
    assertThat(ca.serverCertificate().getSubjectAlternativeNames())
        .extracting(san -> (Object) san.get(1))
        .containsExactlyInAnyOrder((Object) "localhost", "127.0.0.1");
    assertThat(ca.serverCertificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
  }

  @Test
  void trustManager_otherCaServer_isRejected() {
    TestCa ca = TestCa.create(dir.resolve("a"));
    TestCa other = TestCa.create(dir.resolve("b"));

    assertThatThrownBy(
            () ->
                ca.trustManager()
                    .checkServerTrusted(
                        new X509Certificate[] {other.serverCertificate()}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
    assertThat(List.of(ca.caCertificate().getBasicConstraints()))
        .containsExactly(Integer.MAX_VALUE);
  }
}
