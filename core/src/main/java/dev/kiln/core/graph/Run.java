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
      Mount.CacheSharing sharing) {}

  private final List<String> args;
  private final List<MountSpec> mounts;
  private final NetworkMode network;
  private final String name;

  private Run(List<String> args, List<MountSpec> mounts, NetworkMode network, String name) {
    this.args = args;
    this.mounts = mounts;
    this.network = network;
    this.name = name;
  }

  /** Runs {@code args} as given (exec form). */
  public static Run of(String... args) {
    return new Run(List.of(args), List.of(), NetworkMode.SANDBOX, "");
  }

  /** Runs {@code command} with {@code /bin/sh -c} (shell form). */
  public static Run shell(String command) {
    return of("/bin/sh", "-c", command);
  }

  /** Adds a bind mount of {@code selector} in {@code source} at {@code target}. */
  public Run mount(String target, State source, String selector, boolean readOnly) {
    Objects.requireNonNull(source, "mount source");
    return with(new MountSpec(source, target, selector, readOnly, Mount.Type.BIND, null, null));
  }

  /** Adds a tmpfs at {@code target}. */
  public Run tmpfs(String target) {
    return with(new MountSpec(null, target, "/", false, Mount.Type.TMPFS, null, null));
  }

  /** Adds a cache mount at {@code target}. */
  public Run cache(String target, String id, Mount.CacheSharing sharing) {
    return with(new MountSpec(null, target, "/", false, Mount.Type.CACHE, id, sharing));
  }

  /** Uses network mode {@code mode}. */
  public Run network(NetworkMode mode) {
    return new Run(args, mounts, Objects.requireNonNull(mode, "network"), name);
  }

  /** Sets the progress name (metadata only). */
  public Run named(String progressName) {
    return new Run(args, mounts, network, Objects.requireNonNull(progressName, "name"));
  }

  private Run with(MountSpec m) {
    List<MountSpec> next = new ArrayList<>(mounts);
    next.add(m);
    return new Run(args, List.copyOf(next), network, name);
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
