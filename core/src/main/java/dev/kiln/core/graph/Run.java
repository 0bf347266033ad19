package dev.kiln.core.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link State#run} runs: argv, extra mounts, network mode and a progress name. Immutable;
 * every method returns a new instance.
 */
public final class Run {

  /** One extra mount; {@code source} null means no input (tmpfs, cache, empty dir). */
  record MountSpec(
      State source,
      String target,
      String selector,
      boolean readOnly,
      Mount.Type type,
      String cacheId,
      Mount.CacheSharing sharing,
      Mount.Options options) {}

  /** The process settings beyond argv and the state's env, cwd and user. */
  private record Settings(
      List<String> proxyEnv, String hostname, List<ExecMeta.HostIp> extraHosts) {}

  private final List<String> args;
  private final List<MountSpec> mounts;
  private final NetworkMode network;
  private final String name;
  private final Settings settings;

  private Run(
      List<String> args,
      List<MountSpec> mounts,
      NetworkMode network,
      String name,
      Settings settings) {
    this.args = args;
    this.mounts = mounts;
    this.network = network;
    this.name = name;
    this.settings = settings;
  }

  /** Runs {@code args} as given (exec form). */
  public static Run of(String... args) {
    return new Run(
        List.of(args), List.of(), NetworkMode.SANDBOX, "", new Settings(List.of(), "", List.of()));
  }

  /** Runs {@code command} with {@code /bin/sh -c} (shell form). */
  public static Run shell(String command) {
    return of("/bin/sh", "-c", command);
  }

  /** Adds a bind mount of {@code selector} in {@code source} at {@code target}. */
  public Run mount(String target, State source, String selector, boolean readOnly) {
    Objects.requireNonNull(source, "mount source");
    return with(
        new MountSpec(
            source, target, selector, readOnly, Mount.Type.BIND, null, null, Mount.Options.NONE));
  }

  /**
   * Adds a writable bind mount of {@code selector} in {@code source} at {@code target} whose
   * changes are discarded after the process (no output).
   */
  public Run mountDiscarding(String target, State source, String selector) {
    Objects.requireNonNull(source, "mount source");
    return with(
        new MountSpec(
            source,
            target,
            selector,
            false,
            Mount.Type.BIND,
            null,
            null,
            Mount.Options.discardChanges()));
  }

  /** Adds a tmpfs at {@code target}. */
  public Run tmpfs(String target) {
    return tmpfs(target, 0);
  }

  /** Adds a tmpfs at {@code target} of at most {@code bytes} bytes (0: the default). */
  public Run tmpfs(String target, long bytes) {
    return with(
        new MountSpec(
            null, target, "/", false, Mount.Type.TMPFS, null, null, Mount.Options.tmpfs(bytes)));
  }

  /** Adds a cache mount at {@code target}. */
  public Run cache(String target, String id, Mount.CacheSharing sharing) {
    return cache(target, id, sharing, null, "/", false);
  }

  /**
   * Adds a cache mount at {@code target}; a new cache starts as a copy of {@code selector} in
   * {@code seed} (null: empty).
   */
  public Run cache(
      String target,
      String id,
      Mount.CacheSharing sharing,
      State seed,
      String selector,
      boolean readOnly) {
    return with(
        new MountSpec(
            seed, target, selector, readOnly, Mount.Type.CACHE, id, sharing, Mount.Options.NONE));
  }

  /** Adds a secret mount (file at {@code target}, which may be null for an env-only secret). */
  public Run secret(String target, Mount.Options options) {
    return with(new MountSpec(null, target, "/", true, Mount.Type.SECRET, null, null, options));
  }

  /** Adds an SSH agent socket at {@code target}. */
  public Run ssh(String target, Mount.Options options) {
    return with(new MountSpec(null, target, "/", true, Mount.Type.SSH, null, null, options));
  }

  /** Uses network mode {@code mode}. */
  public Run network(NetworkMode mode) {
    return new Run(args, mounts, Objects.requireNonNull(mode, "network"), name, settings);
  }

  /**
   * Appends {@code entries} ({@code KEY=value}) to the process environment without making them part
   * of the cache key (BuildKit's {@code llb.WithProxy}).
   */
  public Run proxyEnv(List<String> entries) {
    return new Run(
        args,
        mounts,
        network,
        name,
        new Settings(List.copyOf(entries), settings.hostname(), settings.extraHosts()));
  }

  /** Uses {@code hostname} as the container's hostname (empty for the default). */
  public Run hostname(String hostname) {
    return new Run(
        args,
        mounts,
        network,
        name,
        new Settings(settings.proxyEnv(), Objects.requireNonNull(hostname), settings.extraHosts()));
  }

  /** Adds {@code /etc/hosts} entries. */
  public Run extraHosts(List<ExecMeta.HostIp> hosts) {
    List<ExecMeta.HostIp> next = new ArrayList<>(settings.extraHosts());
    next.addAll(hosts);
    return new Run(
        args,
        mounts,
        network,
        name,
        new Settings(settings.proxyEnv(), settings.hostname(), List.copyOf(next)));
  }

  /** Sets the progress name (metadata only). */
  public Run named(String progressName) {
    return new Run(args, mounts, network, Objects.requireNonNull(progressName, "name"), settings);
  }

  private Run with(MountSpec m) {
    List<MountSpec> next = new ArrayList<>(mounts);
    next.add(m);
    return new Run(args, List.copyOf(next), network, name, settings);
  }

  /** The process of this run with {@code env}, {@code cwd} and {@code user} from the state. */
  ExecMeta meta(List<String> env, String cwd, String user) {
    return new ExecMeta(
        args, env, cwd, user, settings.proxyEnv(), settings.hostname(), settings.extraHosts());
  }

  List<String> args() {
    return args;
  }

  List<MountSpec> mounts() {
    return mounts;
  }

  NetworkMode network() {
    return network;
  }

  String name() {
    return name;
  }
}
