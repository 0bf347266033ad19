package dev.kiln.solver.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the OCI runtime spec (config.json, spec 1.0.2) for one RUN, following what {@code runc
 * spec} generates and what BuildKit's {@code executor/oci} and containerd's default spec add:
 * Docker's default capability set, masked and read-only proc/sys paths, {@code RLIMIT_NOFILE} 1024,
 * default-deny device cgroup (runc adds its standard devices: null, zero, full, random, urandom,
 * tty, ptmx), {@code noNewPrivileges} off so that setuid tools such as sudo work, as in Docker. No
 * seccomp or AppArmor profile is applied (BuildKit applies Docker's seccomp profile; kiln does not
 * yet). Stateless.
 */
final class RuntimeSpec {

  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** Docker's and BuildKit's default capabilities. */
  static final List<String> DEFAULT_CAPS =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE");

  static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware",
          "/sys/devices/virtual/powercap");

  static final List<String> READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RuntimeSpec() {}

  /**
   * @param req the request
   * @param user the resolved user
   * @param hosts generated hosts file in the bundle
   * @param resolvConf generated resolv.conf in the bundle
   * @return the spec as a JSON tree
   */
  static ObjectNode build(ExecRequest req, ExecUser user, Path hosts, Path resolvConf) {
    ObjectNode spec = MAPPER.createObjectNode();
    spec.put("ociVersion", "1.0.2");
    spec.set("process", process(req, user));
    ObjectNode root = spec.putObject("root");
    root.put("path", req.rootfs().toString());
    root.put("readonly", false);
    spec.put("hostname", req.hostname());
    ArrayNode mounts = spec.putArray("mounts");
    for (StdMount m : STANDARD_MOUNTS) {
      mount(mounts, m.dest(), m.type(), m.source(), m.options());
    }
    mount(mounts, "/etc/hosts", "bind", hosts.toString(), "rbind", "ro");
    mount(mounts, "/etc/resolv.conf", "bind", resolvConf.toString(), "rbind", "ro");
    for (Mount m : req.mounts()) {
      if (m.kind() == Mount.Kind.TMPFS && m.size() > 0) {
        mount(
            mounts,
            m.destination(),
            "tmpfs",
            "tmpfs",
            "nosuid",
            "nodev",
            "mode=1777",
            "size=" + m.size());
      } else if (m.kind() == Mount.Kind.TMPFS) {
        mount(mounts, m.destination(), "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777");
      } else {
        mount(
            mounts,
            m.destination(),
            "bind",
            m.source().toString(),
            "rbind",
            m.readOnly() ? "ro" : "rw");
      }
    }
    spec.set("linux", linux(req));
    return spec;
  }

  /** Serialises the spec. */
  static byte[] toBytes(ObjectNode spec) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(spec);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("serialising a JSON tree cannot fail", e);
    }
  }

  /** Adds {@code PATH} when missing, like BuildKit. */
  static List<String> env(List<String> env) {
    List<String> out = new ArrayList<>();
    if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
      out.add("PATH=" + DEFAULT_PATH);
    }
    out.addAll(env);
    return out;
  }

  private static ObjectNode process(ExecRequest req, ExecUser user) {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("terminal", false);
    ObjectNode u = p.putObject("user");
    u.put("uid", user.uid());
    u.put("gid", user.gid());
    if (!user.additionalGids().isEmpty()) {
      ArrayNode gids = u.putArray("additionalGids");
      user.additionalGids().forEach(gids::add);
    }
    ArrayNode args = p.putArray("args");
    req.args().forEach(args::add);
    ArrayNode env = p.putArray("env");
    env(req.env()).forEach(env::add);
    p.put("cwd", req.cwd());
    ObjectNode caps = p.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode a = caps.putArray(set);
      DEFAULT_CAPS.forEach(a::add);
    }
    ArrayNode rlimits = p.putArray("rlimits");
    ObjectNode nofile = rlimits.addObject();
    nofile.put("type", "RLIMIT_NOFILE");
    nofile.put("hard", 1024);
    nofile.put("soft", 1024);
    p.put("noNewPrivileges", false);
    return p;
  }

  private record StdMount(String dest, String type, String source, String... options) {}

  private static final List<StdMount> STANDARD_MOUNTS =
      List.of(
          new StdMount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
          new StdMount(
              "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
          new StdMount(
              "/dev/pts",
              "devpts",
              "devpts",
              "nosuid",
              "noexec",
              "newinstance",
              "ptmxmode=0666",
              "mode=0620",
              "gid=5"),
          new StdMount(
              "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
          new StdMount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
          new StdMount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
          new StdMount(
              "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"));

  private static void mount(
      ArrayNode mounts, String dest, String type, String source, String... options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", dest);
    m.put("type", type);
    m.put("source", source);
    ArrayNode opts = m.putArray("options");
    for (String o : options) {
      opts.add(o);
    }
  }

  private static ObjectNode linux(ExecRequest req) {
    ObjectNode linux = MAPPER.createObjectNode();
    ObjectNode resources = linux.putObject("resources");
    ObjectNode deny = resources.putArray("devices").addObject();
    deny.put("allow", false);
    deny.put("access", "rwm");
    ArrayNode ns = linux.putArray("namespaces");
    List<String> types = new ArrayList<>(List.of("pid", "ipc", "uts", "mount"));
    if (req.network() == NetworkMode.NONE) {
      // runc brings lo up in a namespace it creates (its "loopback" network strategy).
      types.add("network");
    }
    for (String t : types) {
      ns.addObject().put("type", t);
    }
    ArrayNode masked = linux.putArray("maskedPaths");
    MASKED_PATHS.forEach(masked::add);
    ArrayNode ro = linux.putArray("readonlyPaths");
    READONLY_PATHS.forEach(ro::add);
    return linux;
  }
}
