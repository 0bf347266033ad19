package dev.kiln.core.graph;

import java.util.List;
import java.util.Objects;

/**
 * The process of an {@link ExecOp} (BuildKit's {@code pb.Meta}).
 *
 * @param args argv, at least one element (the frontend adds {@code /bin/sh -c} for shell form)
 * @param env environment as {@code KEY=value} strings, in order
 * @param cwd absolute working directory
 * @param user user spec as in a Dockerfile {@code USER} ({@code name}, {@code uid}, {@code
 *     uid:gid}); empty for root
 * @param proxyEnv {@code KEY=value} entries appended to {@code env} when the process runs: the
 *     predefined proxy build args (BuildKit's {@code ProxyEnv}). Part of the vertex digest, never
 *     of the cache key, so a proxy setting does not invalidate cached steps
 * @param hostname the container's hostname, empty for the executor's default
 * @param extraHosts extra {@code /etc/hosts} entries; in the cache key without their addresses (as
 *     BuildKit's exec cache map)
 */
public record ExecMeta(
    List<String> args,
    List<String> env,
    String cwd,
    String user,
    List<String> proxyEnv,
    String hostname,
    List<HostIp> extraHosts) {

  /** Validates and copies. */
  public ExecMeta {
    args = Ops.copyStrings("exec argument", args);
    if (args.isEmpty()) {
      throw new IllegalArgumentException("exec op needs at least one argument");
    }
    env = requireEntries("exec env entry", env);
    cwd = Ops.requireAbsolute("exec working directory", cwd == null ? "/" : cwd);
    user = user == null ? "" : user;
    proxyEnv = requireEntries("exec proxy env entry", proxyEnv);
    hostname = hostname == null ? "" : hostname;
    extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
  }

  /** A process with the default hostname, no proxy settings and no extra hosts. */
  public ExecMeta(List<String> args, List<String> env, String cwd, String user) {
    this(args, env, cwd, user, List.of(), "", List.of());
  }

  /**
   * One extra {@code /etc/hosts} entry ({@code --add-host HOST:IP}).
   *
   * @param host the name
   * @param ip the address as written (IPv4 or IPv6)
   */
  public record HostIp(String host, String ip) {
    /** Validates. */
    public HostIp {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(ip, "ip");
      if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("invalid extra host name '" + host + "'");
      }
    }
  }

  private static List<String> requireEntries(String what, List<String> entries) {
    List<String> out = Ops.copyStrings(what, entries);
    for (String e : out) {
      if (e.indexOf('=') <= 0) {
        throw new IllegalArgumentException(what + " must be KEY=value, got '" + e + "'");
      }
    }
    return out;
  }
}
