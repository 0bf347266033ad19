package dev.kiln.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Serves {@code /token} for a {@link TokenServer}: the Docker GET flow and the OAuth2 POST flow.
 */
final class TokenHandler implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TokenServer server;

  TokenHandler(TokenServer server) {
    this.server = server;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (method.equals("GET")) {
        handleGet(exchange);
      } else if (method.equals("POST")) {
        handlePost(exchange);
      } else {
        send(exchange, 405, Map.of("error", "method_not_allowed"));
      }
    }
  }

  private void handleGet(HttpExchange exchange) throws IOException {
    Map<String, List<String>> query = parseForm(exchange.getRequestURI().getRawQuery());
    List<String> scopes = query.getOrDefault("scope", List.of());
    String service = first(query, "service");
    boolean offline = "true".equals(first(query, "offline_token"));
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String subject = null;
    String grantType = "anonymous";
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      grantType = "basic";
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      String user = colon < 0 ? decoded : decoded.substring(0, colon);
      String password = colon < 0 ? "" : decoded.substring(colon + 1);
      if (!server.authenticate(user, password)) {
        reject(exchange, "GET", grantType, scopes, service);
        return;
      }
      subject = user;
    } else if (!server.allowAnonymous()) {
      reject(exchange, "GET", grantType, scopes, service);
      return;
    }
    issue(exchange, "GET", grantType, subject, scopes, service, offline && subject != null);
  }

  private void handlePost(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, List<String>> form = parseForm(body);
    String grantType = first(form, "grant_type");
    String service = first(form, "service");
    String scopeValue = first(form, "scope");
    List<String> scopes =
        scopeValue == null || scopeValue.isBlank()
            ? List.of()
            : Arrays.asList(scopeValue.trim().split(" +"));
    String subject = null;
    if ("password".equals(grantType)) {
      String user = first(form, "username");
      if (user != null && server.authenticate(user, String.valueOf(first(form, "password")))) {
        subject = user;
      }
    } else if ("refresh_token".equals(grantType)) {
      String refresh = first(form, "refresh_token");
      subject = refresh == null ? null : server.refreshTokens().get(refresh);
    } else {
      server.record(
          new TokenRequest("POST", String.valueOf(grantType), null, scopes, service, 400, false));
      send(exchange, 400, Map.of("error", "unsupported_grant_type"));
      return;
    }
    if (subject == null) {
      reject(exchange, "POST", grantType, scopes, service);
      return;
    }
    issue(exchange, "POST", grantType, subject, scopes, service, true);
  }

  private void issue(
      HttpExchange exchange,
      String method,
      String grantType,
      String subject,
      List<String> scopes,
      String service,
      boolean withRefreshToken)
      throws IOException {
    String token = Tokens.sign(server, subject, scopes);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("token", token);
    answer.put("access_token", token);
    if (!server.omittingExpiresIn()) {
      answer.put("expires_in", server.lifetime().toSeconds());
    }
    answer.put("issued_at", Instant.now().toString());
    if (withRefreshToken) {
      String refresh = UUID.randomUUID().toString();
      server.refreshTokens().put(refresh, subject);
      answer.put("refresh_token", refresh);
    }
    server.record(
        new TokenRequest(method, grantType, subject, scopes, service, 200, withRefreshToken));
    send(exchange, 200, answer);
  }

  private void reject(
      HttpExchange exchange, String method, String grantType, List<String> scopes, String service)
      throws IOException {
    server.record(new TokenRequest(method, grantType, null, scopes, service, 401, false));
    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"kiln-token-server\"");
    send(exchange, 401, Map.of("errors", List.of(Map.of("code", "UNAUTHORIZED"))));
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String first(Map<String, List<String>> values, String key) {
    List<String> list = values.get(key);
    return list == null || list.isEmpty() ? null : list.get(0);
  }

  static Map<String, List<String>> parseForm(String raw) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return values;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
