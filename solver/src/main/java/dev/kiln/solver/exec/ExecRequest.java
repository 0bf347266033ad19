package dev.kiln.solver.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to run in a container: the process (args, env, cwd, user), its root filesystem, extra
 * mounts, network and hostname. Equivalent to BuildKit's {@code executor.Meta} plus the root mount.
 *
 * @param rootfs the prepared, writable root filesystem (e.g. from a snapshotter)
 * @param args the command and its arguments, not empty (no shell is added)
 * @param env {@code KEY=value} entries; a default {@code PATH} is added when none is given
 * @param cwd absolute working directory; created in the rootfs (owned by the user) if missing
 * @param user empty for root, or {@code name}, {@code uid}, {@code name:group}, {@code uid:gid}
 *     resolved against the rootfs's {@code /etc/passwd} and {@code /etc/group}
 * @param hostname the container's hostname
 * @param network network mode
 * @param mounts extra mounts, applied in order after the standard ones
 * @param extraHosts entries added to the container's {@code /etc/hosts}
 */
public record ExecRequest(
    Path rootfs,
    List<String> args,
    List<String> env,
    String cwd,
    String user,
    String hostname,
    NetworkMode network,
    List<Mount> mounts,
    List<HostEntry> extraHosts) {

  /** Hostname BuildKit gives build containers; kiln keeps it for compatibility. */
  public static final String DEFAULT_HOSTNAME = "buildkitsandbox";

  /** Validates and copies. */
  public ExecRequest {
    Objects.requireNonNull(rootfs, "rootfs");
    if (!rootfs.isAbsolute()) {
      throw new IllegalArgumentException("rootfs must be an absolute path: " + rootfs);
    }
    args = List.copyOf(args);
    if (args.isEmpty()) {
      throw new IllegalArgumentException("a RUN needs a command");
    }
    env = List.copyOf(env);
    for (String e : env) {
      if (e.indexOf('=') <= 0) {
        throw new IllegalArgumentException("env entry must be KEY=value: " + e);
      }
    }
    Objects.requireNonNull(cwd, "cwd");
    if (!cwd.startsWith("/")) {
      throw new IllegalArgumentException("cwd must be an absolute path: " + cwd);
    }
    user = user == null ? "" : user;
    Objects.requireNonNull(hostname, "hostname");
    if (hostname.isEmpty() || hostname.length() > 64) {
      throw new IllegalArgumentException("hostname must have 1 to 64 characters: " + hostname);
    }
    Objects.requireNonNull(network, "network");
    mounts = List.copyOf(mounts);
    extraHosts = List.copyOf(extraHosts);
  }

  /**
   * One extra {@code /etc/hosts} line.
   *
   * @param host the name
   * @param ip the address
   */
  public record HostEntry(String host, String ip) {
    /** Validates. */
    public HostEntry {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(ip, "ip");
    }
  }

  /**
   * A request with defaults: root user, cwd {@code /}, no env beyond {@code PATH}, network none,
   * hostname {@value #DEFAULT_HOSTNAME}, no extra mounts or hosts.
   *
   * @param rootfs the root filesystem
   * @param args the command
   * @return the request
   */
  public static ExecRequest of(Path rootfs, List<String> args) {
    return new ExecRequest(
        rootfs, args, List.of(), "/", "", DEFAULT_HOSTNAME, NetworkMode.NONE, List.of(), List.of());
  }

  /**
   * @param newEnv env entries
   * @return a copy with that env
   */
  public ExecRequest withEnv(List<String> newEnv) {
    return new ExecRequest(rootfs, args, newEnv, cwd, user, hostname, network, mounts, extraHosts);
  }

  /**
   * @param newCwd absolute working directory
   * @return a copy with that cwd
   */
  public ExecRequest withCwd(String newCwd) {
    return new ExecRequest(rootfs, args, env, newCwd, user, hostname, network, mounts, extraHosts);
  }

  /**
   * @param newUser user spec ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid})
   * @return a copy with that user
   */
  public ExecRequest withUser(String newUser) {
    return new ExecRequest(rootfs, args, env, cwd, newUser, hostname, network, mounts, extraHosts);
  }

  /**
   * @param newHostname hostname
   * @return a copy with that hostname
   */
  public ExecRequest withHostname(String newHostname) {
    return new ExecRequest(rootfs, args, env, cwd, user, newHostname, network, mounts, extraHosts);
  }

  /**
   * @param newNetwork network mode
   * @return a copy with that network
   */
  public ExecRequest withNetwork(NetworkMode newNetwork) {
    return new ExecRequest(rootfs, args, env, cwd, user, hostname, newNetwork, mounts, extraHosts);
  }

  /**
   * @param newMounts extra mounts
   * @return a copy with those mounts
   */
  public ExecRequest withMounts(List<Mount> newMounts) {
    return new ExecRequest(rootfs, args, env, cwd, user, hostname, network, newMounts, extraHosts);
  }

  /**
   * @param newExtraHosts extra {@code /etc/hosts} entries
   * @return a copy with those entries
   */
  public ExecRequest withExtraHosts(List<HostEntry> newExtraHosts) {
    return new ExecRequest(rootfs, args, env, cwd, user, hostname, network, mounts, newExtraHosts);
  }
}
