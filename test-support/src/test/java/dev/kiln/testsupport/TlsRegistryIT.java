package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsRegistryIT {
  @TempDir static Path dir;

  private static TestCa ca;
  private static RegistryContainer tls;
  private static RegistryContainer mutual;

  @BeforeAll
  static void start() {
    ca = TestCa.create(dir);
    tls = RegistryContainer.builder().tls(ca).build();
    mutual = RegistryContainer.builder().tls(ca).requireClientCertificates().build();
    tls.start();
    mutual.start();
  }

  @AfterAll
  static void stop() {
    tls.close();
    mutual.close();
  }

  private static OkHttpClient trusting(TestCa trusted, boolean clientCertificate) {
    return new OkHttpClient.Builder()
        .retryOnConnectionFailure(false)
        .sslSocketFactory(
            trusted.sslContext(clientCertificate).getSocketFactory(), trusted.trustManager())
        .build();
  }

  @Test
  void tls_caTrusted_answers200OverHttps() throws IOException {
    assertThat(tls.baseUrl()).startsWith("https://localhost:");
    try (Response response = Http.get(trusting(ca, false), tls.baseUrl() + "/v2/")) {
      assertThat(response.code()).isEqualTo(200);
    }
  }

  @Test
  void tls_caNotTrusted_failsHandshake() {
    TestCa other = TestCa.create(dir.resolve("other"));

    assertThatThrownBy(() -> Http.get(trusting(other, false), tls.baseUrl() + "/v2/").close())
        .isInstanceOf(SSLException.class);
  }

  @Test
  void tls_defaultJdkTrust_failsHandshake() {
    assertThatThrownBy(() -> Http.get(Http.client(), tls.baseUrl() + "/v2/").close())
        .isInstanceOf(SSLException.class);
  }

  @Test
  void mutualTls_withClientCertificate_answers200() throws IOException {
    try (Response response = Http.get(trusting(ca, true), mutual.baseUrl() + "/v2/")) {
      assertThat(response.code()).isEqualTo(200);
    }
  }

  @Test
  void mutualTls_withoutClientCertificate_fails() {
    assertThatThrownBy(() -> Http.get(trusting(ca, false), mutual.baseUrl() + "/v2/").close())
        .isInstanceOf(IOException.class);
  }
}
