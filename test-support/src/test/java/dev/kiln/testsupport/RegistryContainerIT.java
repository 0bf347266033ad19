package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryContainerIT {
  @TempDir static Path storage;

  private static RegistryContainer open;
  private static RegistryContainer basic;
  private final OkHttpClient http = Http.client();

  @BeforeAll
  static void start() {
    open = RegistryContainer.builder().storage(storage).build();
    basic = RegistryContainer.builder().basicAuth(Map.of("alice", "wonderland")).build();
    open.start();
    basic.start();
  }

  @AfterAll
  static void stop() {
    open.close();
    basic.close();
  }

  @Test
  void open_getV2_answers200() throws IOException {
    try (Response response = Http.get(http, open.baseUrl() + "/v2/")) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("Docker-Distribution-Api-Version")).isEqualTo("registry/2.0");
    }
    assertThat(open.hostPort()).matches("localhost:\\d+");
    assertThat(open.baseUrl()).isEqualTo("http://" + open.hostPort());
  }

  @Test
  void open_pushBlobWithHostStorage_landsInHostDirectory() throws IOException {
    byte[] blob = "stored on the host".getBytes();

    assertThat(Http.pushBlob(http, open.baseUrl(), "kiln/storage", blob, null)).isEqualTo(201);

    String hex = Http.sha256(blob).substring("sha256:".length());
    try (Stream<Path> files = Files.walk(storage)) {
      assertThat(files.map(p -> p.getFileName().toString())).contains(hex);
    }
  }

  @Test
  void basic_withoutCredentials_answers401WithBasicChallenge() throws IOException {
    try (Response response = Http.get(http, basic.baseUrl() + "/v2/")) {
      assertThat(response.code()).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).isEqualTo("Basic realm=\"kiln-registry\"");
    }
  }

  @Test
  void basic_withCredentials_answers200() throws IOException {
    try (Response response =
        Http.get(http, basic.baseUrl() + "/v2/", Http.basic("alice", "wonderland"))) {
      assertThat(response.code()).isEqualTo(200);
    }
  }

  @Test
  void basic_withWrongPassword_answers401() throws IOException {
    try (Response response =
        Http.get(http, basic.baseUrl() + "/v2/", Http.basic("alice", "looking-glass"))) {
      assertThat(response.code()).isEqualTo(401);
    }
  }

  @Test
  void basic_throughFaultProxy_passesChallengeAndCredentials() throws IOException {
    try (FaultProxy proxy = FaultProxy.start(basic.baseUrl())) {
      try (Response response = Http.get(http, proxy.baseUrl() + "/v2/")) {
        assertThat(response.code()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Basic realm=\"kiln-registry\"");
      }
      try (Response response =
          Http.get(http, proxy.baseUrl() + "/v2/", Http.basic("alice", "wonderland"))) {
        assertThat(response.code()).isEqualTo(200);
      }
    }
  }
}
