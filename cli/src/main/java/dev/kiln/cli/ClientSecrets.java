package dev.kiln.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code --secret} and {@code --ssh} provide to {@code RUN --mount=type=secret|ssh}, read as
 * buildx and BuildKit's session providers read them. A secret is {@code
 * id=ID[,src=FILE|,env=VARIABLE][,type=file|env]}; with neither source the variable {@code ID} is
 * used when it is set, else the file {@code ID}; at most 500 KiB. An SSH agent is {@code default}
 * ({@code $SSH_AUTH_SOCK}) or {@code ID=SOCKET}. Values are held only in memory and never printed:
 * {@link #toString} names the ids alone. Immutable.
 */
final class ClientSecrets {

  /** BuildKit's {@code MaxSecretSize}. */
  static final int MAX_SECRET_BYTES = 500 * 1024;

  private final Map<String, byte[]> secrets;
  private final Map<String, Path> agents;

  private ClientSecrets(Map<String, byte[]> secrets, Map<String, Path> agents) {
    this.secrets = Collections.unmodifiableMap(secrets);
    this.agents = Collections.unmodifiableMap(agents);
  }

  static final ClientSecrets NONE = new ClientSecrets(Map.of(), Map.of());

  /** Secret id → value. */
  Map<String, byte[]> secrets() {
    return secrets;
  }

  /** Agent id → socket. */
  Map<String, Path> agents() {
    return agents;
  }

  static ClientSecrets parse(List<String> secretFlags, List<String> sshFlags, Invocation inv)
      throws CliException {
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    for (String flag : secretFlags) {
      String id = null;
      String src = null;
      String env = null;
      String type = null;
      for (String field : flag.split(",")) {
        int eq = field.indexOf('=');
        if (eq < 0) {
          throw new CliException(
              "--secret " + flag + ": invalid field '" + field + "' must be a key=value pair");
        }
        String key = field.substring(0, eq).toLowerCase(Locale.ROOT);
        String value = field.substring(eq + 1);
        switch (key) {
          case "id" -> id = value;
          case "src", "source" -> src = value;
          case "env" -> env = value;
          case "type" -> {
            if (!value.equals("file") && !value.equals("env")) {
              throw new CliException("--secret " + flag + ": unsupported secret type " + value);
            }
            type = value;
          }
          default ->
              throw new CliException(
                  "--secret " + flag + ": unexpected key '" + key + "' (use id, src, env, type)");
        }
      }
      if (id == null || id.isEmpty()) {
        throw new CliException("--secret " + flag + ": secret missing ID (use id=NAME,src=FILE)");
      }
      if ("env".equals(type) && env == null) {
        env = src;
        src = null;
      }
      if (env == null && src == null) {
        if (inv.env().containsKey(id)) {
          env = id;
        } else {
          src = id;
        }
      }
      secrets.put(id, value(flag, env, src, inv));
    }
    Map<String, Path> agents = new LinkedHashMap<>();
    for (String flag : sshFlags) {
      int eq = flag.indexOf('=');
      String id = eq < 0 ? flag : flag.substring(0, eq);
      String paths = eq < 0 ? "" : flag.substring(eq + 1);
      if (paths.isEmpty()) {
        paths = inv.env().getOrDefault("SSH_AUTH_SOCK", "");
        if (paths.isEmpty()) {
          throw new CliException(
              "--ssh " + flag + ": SSH_AUTH_SOCK is not set; pass --ssh " + id + "=SOCKET");
        }
      }
      if (paths.contains(",")) {
        throw new CliException("--ssh " + flag + ": give one agent socket per id");
      }
      Path socket = inv.resolve(paths);
      if (Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)) {
        throw new CliException(
            "--ssh "
                + flag
                + ": "
                + socket
                + " is a file; key files are not supported: load the key into ssh-agent and"
                + " pass its socket");
      }
      if (!Files.exists(socket)) {
        throw new CliException("--ssh " + flag + ": " + socket + " does not exist");
      }
      agents.put(id, socket);
    }
    return new ClientSecrets(secrets, agents);
  }

  private static byte[] value(String flag, String env, String src, Invocation inv)
      throws CliException {
    if (env != null) {
      String v = inv.env().get(env);
      if (v == null) {
        throw new CliException("--secret " + flag + ": the variable " + env + " is not set");
      }
      return check(flag, v.getBytes(StandardCharsets.UTF_8));
    }
    Path file = inv.resolve(src);
    try {
      if (Files.size(file) > MAX_SECRET_BYTES) {
        throw new CliException("--secret " + flag + ": " + file + " is larger than 500 KiB");
      }
      return check(flag, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new CliException("--secret " + flag + ": cannot read " + file, e);
    }
  }

  private static byte[] check(String flag, byte[] value) throws CliException {
    if (value.length > MAX_SECRET_BYTES) {
      throw new CliException("--secret " + flag + ": the secret is larger than 500 KiB");
    }
    return value;
  }

  @Override
  public String toString() {
    return "ClientSecrets[secrets=" + secrets.keySet() + ", ssh=" + agents.keySet() + "]";
  }
}
