package dev.kiln.oci.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Credentials as Docker keeps them: {@code config.json} in {@code $DOCKER_CONFIG} (default {@code
 * ~/.docker}) with {@code credHelpers} (per registry), {@code credsStore} (default helper) and
 * {@code auths} (inline, base64 {@code user:password}, or an {@code identitytoken}). Lookup order
 * is Docker's: a per-registry helper, else the default store, else the inline entry. Helpers are
 * the {@code docker-credential-<name>} programs found on the {@code PATH} of the given environment.
 *
 * <p>Thread-safe; the file is read on each lookup so that a {@code docker login} during a long
 * build is seen.
 */
public final class DockerConfigCredentialProvider implements CredentialProvider {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HUB_KEY = "https://index.docker.io/v1/";
  private static final List<String> HUB_ALIASES =
      List.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");
  private static final long HELPER_TIMEOUT_SECONDS = 30;

  private final Path configFile;
  private final Map<String, String> env;

  /**
   * A provider reading {@code config.json} in {@code dockerConfigDir}.
   *
   * @param env the environment for helpers; its {@code PATH} is searched for {@code
   *     docker-credential-*} programs
   */
  public DockerConfigCredentialProvider(Path dockerConfigDir, Map<String, String> env) {
    this.configFile = dockerConfigDir.resolve("config.json");
    this.env = Map.copyOf(env);
  }

  /** A provider for this process: {@code $DOCKER_CONFIG}, else {@code ~/.docker}. */
  public static DockerConfigCredentialProvider fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * A provider for the given environment: {@code DOCKER_CONFIG} when set, else {@code
   * <home>/.docker}.
   */
  public static DockerConfigCredentialProvider fromEnvironment(Map<String, String> env, Path home) {
    String dir = env.get("DOCKER_CONFIG");
    Path path = dir != null && !dir.isEmpty() ? Path.of(dir) : home.resolve(".docker");
    return new DockerConfigCredentialProvider(path, env);
  }

  /** The config file this provider reads. */
  public Path configFile() {
    return configFile;
  }

  @Override
  public Optional<Credential> credentialFor(String registryHost) throws IOException {
    if (!Files.isRegularFile(configFile)) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = JSON.readTree(configFile.toFile());
    } catch (IOException e) {
      throw new IOException(
          "reading " + configFile + ": not valid JSON (" + e.getMessage() + "); fix or remove it",
          e);
    }
    boolean hub = isHub(registryHost);
    String helper = helperFor(root.path("credHelpers"), registryHost, hub);
    if (helper == null && root.path("credsStore").isTextual()) {
      helper = root.path("credsStore").asText();
    }
    if (helper != null && !helper.isEmpty()) {
      return runHelper(helper, hub ? HUB_KEY : registryHost);
    }
    return inline(root.path("auths"), registryHost, hub);
  }

  private static String helperFor(JsonNode helpers, String host, boolean hub) {
    if (!helpers.isObject()) {
      return null;
    }
    for (Map.Entry<String, JsonNode> e : helpers.properties()) {
      if (matches(e.getKey(), host, hub) && e.getValue().isTextual()) {
        return e.getValue().asText();
      }
    }
    return null;
  }

  private Optional<Credential> inline(JsonNode auths, String host, boolean hub) throws IOException {
    if (!auths.isObject()) {
      return Optional.empty();
    }
    // An exact key wins over a normalised one (docker login writes the bare host).
    JsonNode entry = auths.get(hub ? HUB_KEY : host);
    if (entry == null) {
      for (Map.Entry<String, JsonNode> e : auths.properties()) {
        if (matches(e.getKey(), host, hub)) {
          entry = e.getValue();
          break;
        }
      }
    }
    if (entry == null || !entry.isObject()) {
      return Optional.empty();
    }
    String identity = text(entry, "identitytoken");
    String user = text(entry, "username");
    String password = text(entry, "password");
    String auth = text(entry, "auth");
    if (auth != null) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "reading " + configFile + ": the 'auth' entry for " + host + " is not valid base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IOException(
            "reading " + configFile + ": the 'auth' entry for " + host + " is not user:password");
      }
      user = decoded.substring(0, colon);
      password = decoded.substring(colon + 1);
    }
    if (identity != null) {
      return Optional.of(Credential.identityToken(user, identity));
    }
    if (user != null && !user.isEmpty() && password != null) {
      return Optional.of(Credential.basic(user, password));
    }
    return Optional.empty();
  }

  private Optional<Credential> runHelper(String name, String serverUrl) throws IOException {
    String program = "docker-credential-" + name;
    Path exe = findOnPath(program);
    if (exe == null) {
      throw new IOException(
          program
              + " not found on PATH (named by "
              + configFile
              + "); install it or remove the entry");
    }
    ProcessBuilder pb = new ProcessBuilder(exe.toString(), "get").redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The helper exited without reading its input; its exit code and output tell what happened.
    }
    byte[] out = readCapped(p.getInputStream());
    try {
      if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            program + " get did not answer within " + HELPER_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while running " + program);
    }
    String text = new String(out, StandardCharsets.UTF_8).trim();
    if (p.exitValue() != 0) {
      if (text.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) {
        return Optional.empty();
      }
      // The helper's output may echo secrets; report only its exit code.
      throw new IOException(
          program + " get failed for " + serverUrl + " (exit code " + p.exitValue() + ")");
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(out);
    } catch (IOException e) {
      throw new IOException(program + " get answered with something that is not JSON");
    }
    String user = text(answer, "Username");
    String secret = text(answer, "Secret");
    if (secret == null) {
      return Optional.empty();
    }
    if ("<token>".equals(user)) {
      return Optional.of(Credential.identityToken(null, secret));
    }
    return user == null ? Optional.empty() : Optional.of(Credential.basic(user, secret));
  }

  private Path findOnPath(String program) {
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static byte[] readCapped(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      if (buf.size() + n > (1 << 20)) {
        throw new IOException("a credential helper wrote more than 1 MiB");
      }
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }

  /** True when a config key names {@code host}: bare, with a scheme, or with a path. */
  static boolean matches(String key, String host, boolean hub) {
    String k = key.trim();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    return hub ? isHub(k) : k.equalsIgnoreCase(host);
  }

  static boolean isHub(String host) {
    return HUB_ALIASES.contains(host.toLowerCase(java.util.Locale.ROOT));
  }

  private static String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }
}
