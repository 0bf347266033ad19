package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RegistryContainerIT {
  private static RegistryContainer registry;
  private final OkHttpClient http = new OkHttpClient();

  @BeforeAll
  static void start() {
    registry = RegistryContainer.open();
    registry.start();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void open_getV2_answers200() throws IOException {
    try (Response response =
        http.newCall(new Request.Builder().url(registry.baseUrl() + "/v2/").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("Docker-Distribution-Api-Version")).isEqualTo("registry/2.0");
    }
    assertThat(registry.hostPort()).matches("localhost:\\d+");
  }
}
