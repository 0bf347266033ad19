package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.State;
import dev.kiln.frontend.dockerfile.instructions.Instruction;
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

  /** The image config's Env (ENV instructions replace a variable in place). */
  final Map<String, String> env = new LinkedHashMap<>();

  /**
   * The environment BuildKit's frontend keeps in its LLB state ({@code getEnv(d.state)}): the
   * image's Env, then ENV and ARG values in the order they were dispatched, each "delete, then
   * append" ({@code AddEnv}). RUN processes get it and words are expanded in it, so an ARG set
   * after an ENV of the same name wins there (not in the image config), as in BuildKit; the same
   * order makes kiln's RUN envs BuildKit's for BuildKit-compatible keys.
   */
  final Map<String, String> llbEnv = new LinkedHashMap<>();

  /**
   * The ARGs declared in this stage and inherited from a parent stage, with duplicates, in order.
   */
  final List<Instruction.KeyValue> buildArgs = new ArrayList<>();

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

  StageContext(String prefix, State fs, ImageConfig base, Platform platform) {
    this.prefix = prefix;
    this.fs = fs;
    this.base = base;
    this.platform = platform;
    ContainerConfig c = base.containerConfig();
    for (String e : c.env()) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    // BuildKit makes sure every (non-Windows) image config has a PATH
    env.putIfAbsent("PATH", DEFAULT_PATH);
    env.forEach(this::addLlbEnv);
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

  /** The SHELL in force: the configured one, else {@code /bin/sh -c}. */
  List<String> shellOrDefault() {
    return shell.isEmpty() ? List.of("/bin/sh", "-c") : shell;
  }

  /** The working directory runs and relative paths use. */
  String cwd() {
    return workdir == null || workdir.isEmpty() ? "/" : workdir;
  }

  /**
   * Continues the build state of the stage this one is built FROM: its environment (with its ARG
   * values) and its declared ARGs, as BuildKit's {@code dispatchState.init}. As BuildKit, the image
   * config's Env is then set on the state again, so an ENV of the parent wins over a parent ARG of
   * the same name here.
   */
  void inherit(StageContext parent) {
    llbEnv.clear();
    llbEnv.putAll(parent.llbEnv);
    env.forEach(this::addLlbEnv);
    buildArgs.addAll(parent.buildArgs);
  }

  /** BuildKit's {@code AddEnv}: delete, then append. */
  void addLlbEnv(String key, String value) {
    llbEnv.remove(key);
    llbEnv.put(key, value);
  }

  /** The environment words are expanded in. */
  Map<String, String> scope() {
    return new LinkedHashMap<>(llbEnv);
  }

  /**
   * The {@code |N K=v …} prefix of a RUN's history entry (BuildKit's {@code runCommandString}):
   * every declared ARG once, in first-declaration order, with the build state's value (or its own
   * default, or empty).
   */
  String runHistoryPrefix() {
    Map<String, String> values = new LinkedHashMap<>();
    for (Instruction.KeyValue kv : buildArgs) {
      String v = llbEnv.get(kv.key());
      if (v == null) {
        v = kv.value() == null ? "" : kv.value();
      }
      values.put(kv.key(), v);
    }
    if (values.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("|").append(values.size());
    values.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    return b.append(' ').toString();
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
