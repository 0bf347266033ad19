package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.State;
import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mutable state of one stage while its instructions are dispatched: the filesystem, the image
 * config being built and the in-stage ARG values. Confined to the converting thread.
 */
final class StageContext {
  /** Docker's default PATH for Linux, used for scratch images and for runs without a PATH. */
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  static final String HISTORY_COMMENT = "buildkit.dockerfile.v0";

  final String prefix;
  final Platform platform;
  private final ImageConfig base;
  State fs;
  final Map<String, String> env = new LinkedHashMap<>();
  final Map<String, String> args = new LinkedHashMap<>();

  /**
   * The environment BuildKit's frontend keeps in its LLB state (recorded for BuildKit-compatible
   * keys, see {@code BuildkitHints}): the base image's ENV with the default {@code PATH} appended
   * when missing, then every ENV and every ARG with a value in instruction order, each "delete,
   * then append"; a stage built FROM another stage starts from that stage's list.
   */
  final Map<String, String> llbEnv = new LinkedHashMap<>();

  String user;
  String workdir;
  List<String> cmd;
  List<String> entrypoint;
  boolean cmdSet;
  List<String> shell;
  final Set<String> ports = new LinkedHashSet<>();
  final Set<String> volumes = new LinkedHashSet<>();
  final Map<String, String> labels = new TreeMap<>();
  String stopSignal;
  ContainerConfig.HealthCheck healthcheck;
  final List<String> onBuild = new ArrayList<>();
  Boolean argsEscaped;
  String author;
  final List<ImageConfig.History> history = new ArrayList<>();

  StageContext(
      String prefix,
      State fs,
      ImageConfig base,
      Platform platform,
      Map<String, String> inheritedLlbEnv) {
    this.prefix = prefix;
    this.fs = fs;
    this.base = base;
    this.platform = platform;
    ContainerConfig c = base.containerConfig();
    llbEnv.putAll(inheritedLlbEnv);
    boolean path = false;
    for (String e : c.env()) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
        addLlbEnv(e.substring(0, eq), e.substring(eq + 1));
        path |= e.substring(0, eq).equals("PATH");
      }
    }
    if (!path) {
      addLlbEnv("PATH", DEFAULT_PATH);
    }
    user = c.user();
    workdir = c.workingDir();
    cmd = c.cmd();
    entrypoint = c.entrypoint();
    shell = c.shell();
    ports.addAll(c.exposedPorts());
    volumes.addAll(c.volumes());
    labels.putAll(c.labels());
    stopSignal = c.stopSignal();
    healthcheck = c.healthcheck();
    argsEscaped = c.argsEscaped();
    author = base.author();
    history.addAll(base.history());
    // triggers of the base run in this stage and are not inherited (Docker's rule)
  }

  /** BuildKit's {@code AddEnv}: delete, then append. */
  void addLlbEnv(String key, String value) {
    llbEnv.remove(key);
    llbEnv.put(key, value);
  }

  /** The SHELL in force: the configured one, else {@code /bin/sh -c}. */
  List<String> shellOrDefault() {
    return shell.isEmpty() ? List.of("/bin/sh", "-c") : shell;
  }

  /** The working directory runs and relative paths use. */
  String cwd() {
    return workdir == null || workdir.isEmpty() ? "/" : workdir;
  }

  /** ARG values then ENV values (ENV wins): the scope Docker expands words in. */
  Map<String, String> scope() {
    Map<String, String> scope = new LinkedHashMap<>(args);
    scope.putAll(env);
    return scope;
  }

  /** The filesystem with the stage's env, working directory and user as process context. */
  State withProcessContext(Map<String, String> runEnv) {
    State s = State.of(fs.output(), platform);
    for (Map.Entry<String, String> e : runEnv.entrySet()) {
      s = s.withEnv(e.getKey(), e.getValue());
    }
    s = s.withCwd(cwd());
    return user == null || user.isEmpty() ? s : s.withUser(user);
  }

  void history(String createdBy, boolean layer) {
    history.add(ImageConfig.History.of(null, createdBy, HISTORY_COMMENT, !layer));
  }

  ImageConfig toImageConfig() {
    List<String> envList = new ArrayList<>();
    env.forEach((k, v) -> envList.add(k + "=" + v));
    ContainerConfig c =
        new ContainerConfig(
            user == null || user.isEmpty() ? null : user,
            ports,
            envList,
            entrypoint,
            cmd,
            volumes,
            workdir == null || workdir.isEmpty() ? null : workdir,
            labels,
            stopSignal,
            healthcheck,
            onBuild,
            shell,
            argsEscaped,
            base.containerConfig().extra());
    return new ImageConfig(
        null,
        author,
        platform.architecture(),
        platform.os(),
        platform.osVersion(),
        platform.osFeatures(),
        platform.variant(),
        c,
        base.rootfs() == null ? ImageConfig.RootFs.of(List.of()) : base.rootfs(),
        history,
        null);
  }
}
