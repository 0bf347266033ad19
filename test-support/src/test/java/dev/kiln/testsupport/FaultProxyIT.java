package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyIT {
  private static RegistryContainer registry;
  private FaultProxy proxy;
  private final OkHttpClient http = Http.client();

  @BeforeAll
  static void start() {
    registry = RegistryContainer.open();
    registry.start();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @BeforeEach
  void startProxy() {
    proxy = FaultProxy.start(registry.baseUrl());
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private static byte[] blob(int size) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (i * 31 + i / 251);
    }
    return data;
  }

  /** A body of unknown length, so okhttp sends it chunked. */
  private static RequestBody chunked(byte[] data) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return Http.OCTETS;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.write(data);
      }
    };
  }

  @Test
  void passthrough_chunkedPatchUploadAndRangedDownload_matchUpstream() throws IOException {
    byte[] data = blob(300_000);
    String location;
    try (Response post =
        http.newCall(
                new Request.Builder()
                    .url(proxy.baseUrl() + "/v2/kiln/pass/blobs/uploads/")
                    .post(RequestBody.create(new byte[0], null))
                    .build())
            .execute()) {
      assertThat(post.code()).isEqualTo(202);
      location = post.header("Location");
    }
    assertThat(location).startsWith(proxy.baseUrl() + "/v2/kiln/pass/blobs/uploads/");
    try (Response patch =
        http.newCall(new Request.Builder().url(location).patch(chunked(data)).build()).execute()) {
      assertThat(patch.code()).isEqualTo(202);
      assertThat(patch.header("Range")).isEqualTo("0-" + (data.length - 1));
      location = patch.header("Location");
    }
    try (Response put =
        http.newCall(
                new Request.Builder()
                    .url(location + "&digest=" + Http.sha256(data))
                    .put(RequestBody.create(new byte[0], null))
                    .build())
            .execute()) {
      assertThat(put.code()).isEqualTo(201);
    }
    String blobUrl = proxy.baseUrl() + "/v2/kiln/pass/blobs/" + Http.sha256(data);
    try (Response get = Http.get(http, blobUrl)) {
      assertThat(get.body().bytes()).isEqualTo(data);
    }
    try (Response ranged =
        http.newCall(new Request.Builder().url(blobUrl).header("Range", "bytes=10-19").build())
            .execute()) {
      assertThat(ranged.code()).isEqualTo(206);
      assertThat(ranged.header("Content-Range")).isEqualTo("bytes 10-19/" + data.length);
      assertThat(ranged.body().bytes()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
    }
    try (Response head =
        http.newCall(new Request.Builder().url(blobUrl).head().build()).execute()) {
      assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(data.length));
    }
    assertThat(proxy.accessLog())
        .extracting(AccessLogEntry::method, AccessLogEntry::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("POST", 202),
            org.assertj.core.groups.Tuple.tuple("PATCH", 202),
            org.assertj.core.groups.Tuple.tuple("PUT", 201),
            org.assertj.core.groups.Tuple.tuple("GET", 200),
            org.assertj.core.groups.Tuple.tuple("GET", 206),
            org.assertj.core.groups.Tuple.tuple("HEAD", 200));
    assertThat(proxy.accessLog()).allSatisfy(e -> assertThat(e.passedThrough()).isTrue());
  }

  @Test
  void tooManyRequests_onSecondMatchOnly_answers429WithRetryAfter() throws IOException {
    FaultRule rule = FaultRule.on("GET", "/v2/").nth(2).tooManyRequests(3);
    proxy.addRule(rule);

    int[] codes = new int[3];
    String retryAfter = null;
    for (int i = 0; i < 3; i++) {
      try (Response response = Http.get(http, proxy.baseUrl() + "/v2/")) {
        codes[i] = response.code();
        if (i == 1) {
          retryAfter = response.header("Retry-After");
        }
      }
    }

    assertThat(codes).containsExactly(200, 429, 200);
    assertThat(retryAfter).isEqualTo("3");
    assertThat(proxy.matchCount(rule)).isEqualTo(3);
  }

  @Test
  void serverErrors_twoTimes_thenPassThrough() throws IOException {
    proxy.addRule(FaultRule.on("GET", "/v2/").times(1).respond(500));
    proxy.addRule(FaultRule.on("GET", "/v2/").nth(2).times(1).respond(503, Map.of(), "down"));

    int[] codes = new int[3];
    for (int i = 0; i < 3; i++) {
      try (Response response = Http.get(http, proxy.baseUrl() + "/v2/")) {
        codes[i] = response.code();
      }
    }

    assertThat(codes).containsExactly(500, 503, 200);
    assertThat(proxy.accessLog())
        .extracting(AccessLogEntry::fault)
        .containsExactly("Respond", "Respond", "");
  }

  @Test
  void cutResponseBody_blobGet_failsMidBodyThenNextRequestPasses() throws IOException {
    byte[] data = blob(100_000);
    assertThat(Http.pushBlob(http, registry.baseUrl(), "kiln/cut", data, null)).isEqualTo(201);
    String url = proxy.baseUrl() + "/v2/kiln/cut/blobs/" + Http.sha256(data);
    proxy.addRule(FaultRule.on("GET", "/v2/kiln/cut/blobs/.+").cutResponseBodyAfter(1000));

    try (Response response = Http.get(http, url)) {
      assertThat(response.code()).isEqualTo(200);
      assertThatThrownBy(() -> response.body().bytes()).isInstanceOf(IOException.class);
    }
    try (Response response = Http.get(http, url)) {
      assertThat(response.body().bytes()).isEqualTo(data);
    }
  }

  @Test
  void cutRequestBody_upload_failsAndNeverReachesRegistry() throws IOException {
    byte[] data = blob(2_000_000);
    proxy.addRule(
        FaultRule.on("PUT", "/v2/kiln/reqcut/blobs/uploads/.+").cutRequestBodyAfter(4096));

    assertThatThrownBy(() -> Http.pushBlob(http, proxy.baseUrl(), "kiln/reqcut", data, null))
        .isInstanceOf(IOException.class);

    assertThat(proxy.accessLog())
        .extracting(AccessLogEntry::method, AccessLogEntry::status, AccessLogEntry::fault)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("POST", 202, ""),
            org.assertj.core.groups.Tuple.tuple("PUT", -1, "CutRequestBody"));
    try (Response head =
        http.newCall(
                new Request.Builder()
                    .url(registry.baseUrl() + "/v2/kiln/reqcut/blobs/" + Http.sha256(data))
                    .head()
                    .build())
            .execute()) {
      assertThat(head.code()).isEqualTo(404);
    }
  }

  @Test
  void delay_request_isForwardedAndMarked() throws IOException {
    proxy.addRule(FaultRule.on("GET", "/v2/").delay(Duration.ofMillis(300)));

    try (Response response = Http.get(http, proxy.baseUrl() + "/v2/")) {
      assertThat(response.code()).isEqualTo(200);
    }

    assertThat(proxy.accessLog())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.status()).isEqualTo(200);
              assertThat(e.fault()).isEqualTo("Delay");
            });
  }

  @Test
  void accessLog_blobHeadOnly_recordsNoPost() throws IOException {
    try (Response head =
        http.newCall(
                new Request.Builder()
                    .url(proxy.baseUrl() + "/v2/kiln/none/blobs/" + Http.sha256(new byte[] {9}))
                    .head()
                    .build())
            .execute()) {
      assertThat(head.code()).isEqualTo(404);
    }

    assertThat(proxy.accessLog()).noneMatch(e -> e.method().equals("POST"));
    assertThat(proxy.accessLog())
        .singleElement()
        .satisfies(e -> assertThat(e.status()).isEqualTo(404));
  }
}
