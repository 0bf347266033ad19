package dev.kiln.testsupport;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Small okhttp helpers shared by the integration tests. */
final class Http {
  static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private Http() {}

  /** A client that never retries, so injected faults surface. */
  static OkHttpClient client() {
    return new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
  }

  static Response get(OkHttpClient http, String url) throws IOException {
    return http.newCall(new Request.Builder().url(url).build()).execute();
  }

  static Response get(OkHttpClient http, String url, String authorization) throws IOException {
    return http.newCall(
            new Request.Builder().url(url).header("Authorization", authorization).build())
        .execute();
  }

  static String basic(String user, String password) {
    return Credentials.basic(user, password);
  }

  static String sha256(byte[] data) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Monolithic upload (POST then PUT ?digest= with the body); returns the PUT status, or the POST
   * status when it was not 202.
   */
  static int pushBlob(OkHttpClient http, String baseUrl, String repo, byte[] blob, String auth)
      throws IOException {
    Request.Builder post =
        new Request.Builder()
            .url(baseUrl + "/v2/" + repo + "/blobs/uploads/")
            .post(RequestBody.create(new byte[0], null));
    if (auth != null) {
      post.header("Authorization", auth);
    }
    String location;
    try (Response response = http.newCall(post.build()).execute()) {
      if (response.code() != 202) {
        return response.code();
      }
      location = response.header("Location");
    }
    String separator = location.contains("?") ? "&" : "?";
    Request.Builder put =
        new Request.Builder()
            .url(location + separator + "digest=" + sha256(blob))
            .put(RequestBody.create(blob, OCTETS));
    if (auth != null) {
      put.header("Authorization", auth);
    }
    try (Response response = http.newCall(put.build()).execute()) {
      return response.code();
    }
  }
}
