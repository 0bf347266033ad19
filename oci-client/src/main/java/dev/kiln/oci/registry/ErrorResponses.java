package dev.kiln.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** Turns a failed registry answer into a typed {@link RegistryException}. Stateless. */
final class ErrorResponses {

  /** Error bodies are read up to this size; a registry or proxy may send a huge HTML page. */
  static final int MAX_ERROR_BODY = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorResponses() {}

  /** Reads at most {@link #MAX_ERROR_BODY} bytes of the body; empty when there is none. */
  static String readCapped(Response response) {
    ResponseBody body = response.body();
    if (body == null) {
      return "";
    }
    try (InputStream in = body.byteStream()) {
      return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Parses {@code {"errors":[…]}}; anything else (HTML, text, truncated JSON) gives an empty list.
   */
  static List<RegistryError> parse(String body) {
    if (body == null || body.isBlank()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return List.of();
    }
    if (root == null || !root.path("errors").isArray()) {
      return List.of();
    }
    List<RegistryError> out = new ArrayList<>();
    for (JsonNode e : root.get("errors")) {
      JsonNode code = e.get("code");
      if (code == null || !code.isTextual()) {
        continue;
      }
      JsonNode detail = e.get("detail");
      String detailText =
          detail == null || detail.isNull()
              ? ""
              : detail.isTextual() ? detail.asText() : detail.toString();
      out.add(new RegistryError(code.asText(), e.path("message").asText(""), detailText));
    }
    return out;
  }

  /** Builds the exception for a failed answer to {@code exchange} after {@code attempts} tries. */
  static RegistryException failure(Response response, Exchange exchange, int attempts) {
    String body = "HEAD".equals(exchange.method()) ? "" : readCapped(response);
    List<RegistryError> errors = parse(body);
    int status = response.code();
    if (errors.isEmpty() && status == 404 && exchange.notFound() != ErrorCode.UNRECOGNIZED) {
      errors = List.of(new RegistryError(exchange.notFound().name(), "not found", ""));
    }
    StringBuilder msg = new StringBuilder(exchange.context()).append(": HTTP ").append(status);
    if (!errors.isEmpty()) {
      msg.append(": ");
      for (int i = 0; i < errors.size() && i < 5; i++) {
        msg.append(i == 0 ? "" : "; ").append(errors.get(i));
      }
    } else if (!body.isBlank()) {
      String text = body.strip().replaceAll("\\s+", " ");
      msg.append(": ").append(text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }
    if (attempts > 1) {
      msg.append(" (gave up after ").append(attempts).append(" attempts)");
    }
    msg.append(hint(status, errors));
    String message = msg.toString();
    ErrorCode first = errors.isEmpty() ? ErrorCode.UNRECOGNIZED : errors.get(0).errorCode();
    if (status == 401
        || status == 403
        || first == ErrorCode.UNAUTHORIZED
        || first == ErrorCode.DENIED) {
      return new RegistryUnauthorizedException(message, status, errors);
    }
    if (first == ErrorCode.BLOB_UNKNOWN) {
      return new BlobUnknownException(message, status, errors);
    }
    if (first == ErrorCode.MANIFEST_UNKNOWN) {
      return new ManifestUnknownException(message, status, errors);
    }
    return new RegistryException(message, status, errors, null);
  }

  private static String hint(int status, List<RegistryError> errors) {
    if (status == 401) {
      return " (check the credentials for this registry; some registries answer 401 for"
          + " repositories that do not exist)";
    }
    if (status == 403) {
      return " (the credentials lack access to this repository)";
    }
    if ((status == 400 || status == 405)
        && errors.stream().anyMatch(e -> e.errorCode() == ErrorCode.UNSUPPORTED)) {
      return " (the registry does not support this operation; deletion may be disabled)";
    }
    return "";
  }
}
