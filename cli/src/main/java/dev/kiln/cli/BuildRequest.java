package dev.kiln.cli;

import dev.kiln.cli.progress.ProgressMode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code kiln build}, its flags checked and resolved: absolute paths, parsed build args, the
 * resolved progress mode. Immutable.
 *
 * @param context the build context directory
 * @param dockerfile the Dockerfile to read (for {@code -f -}: {@code <context>/Dockerfile}, used
 *     for its name only)
 * @param tags the {@code -t} names
 * @param push {@code --push}
 * @param outputs the {@code -o} values as typed
 * @param target the {@code --target} stage, or null for the last one
 * @param buildArgs the {@code --build-arg} values (plus {@code SOURCE_DATE_EPOCH} from the
 *     environment when not given)
 * @param noCache {@code --no-cache}
 * @param progress the resolved progress mode (never AUTO)
 * @param root where kiln keeps its state ({@code --root})
 * @param snapshotter {@code --snapshotter}: auto, overlay or native
 * @param sourceDateEpoch {@code SOURCE_DATE_EPOCH}, or null
 * @param metadataFile {@code --metadata-file}, or null
 * @param debug {@code --debug}
 * @param quiet {@code -q}: no progress; the image ID is printed on success
 * @param iidFile {@code --iidfile}, or null
 * @param labels {@code --label} values, added to the image config's labels
 * @param load {@code --load}: load the image into the local docker engine
 * @param network {@code --network}: the network of RUN steps that do not choose one
 * @param dockerfileText the Dockerfile read from standard input ({@code -f -}, or {@code -} as the
 *     context when standard input is not an archive), or null
 * @param extraHosts {@code --add-host} entries for every RUN
 * @param buildContexts {@code --build-context} names → {@code docker-image://REF}, {@code
 *     oci-layout://…} or a directory's absolute path
 * @param secrets the {@code --secret} values and {@code --ssh} agent sockets
 * @param cacheTo the {@code --cache-to} entries
 * @param cacheFrom the {@code --cache-from} entries
 * @param cacheKeys {@code --cache-keys}: a BuildKit key version ({@link #DEFAULT_CACHE_KEYS},
 *     {@code buildkit-v0.11}) or {@code kiln}
 */
public record BuildRequest(
    Path context,
    Path dockerfile,
    List<String> tags,
    boolean push,
    List<String> outputs,
    String target,
    Map<String, String> buildArgs,
    boolean noCache,
    ProgressMode progress,
    Path root,
    String snapshotter,
    Instant sourceDateEpoch,
    Path metadataFile,
    boolean debug,
    boolean quiet,
    Path iidFile,
    Map<String, String> labels,
    boolean load,
    dev.kiln.core.graph.NetworkMode network,
    String dockerfileText,
    List<dev.kiln.core.graph.ExecMeta.HostIp> extraHosts,
    Map<String, String> buildContexts,
    ClientSecrets secrets,
    List<CacheSpec> cacheTo,
    List<CacheSpec> cacheFrom,
    String cacheKeys) {

  /**
   * The key formulas of a build without {@code --cache-keys}: BuildKit's newest that kiln
   * reproduces, so a cache written by a current {@code docker buildx} builder and kiln's share hits
   * (core/README.md, "BuildKit-compatible keys").
   */
  public static final String DEFAULT_CACHE_KEYS = "buildkit-v0.32";

  /** Checks required fields and copies collections. */
  public BuildRequest {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(dockerfile, "dockerfile");
    tags = List.copyOf(tags);
    outputs = List.copyOf(outputs);
    buildArgs = Map.copyOf(buildArgs);
    labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    Objects.requireNonNull(progress, "progress");
    if (progress == ProgressMode.AUTO) {
      throw new IllegalArgumentException("progress must be resolved");
    }
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(snapshotter, "snapshotter");
    Objects.requireNonNull(network, "network");
    extraHosts = List.copyOf(extraHosts);
    buildContexts =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(buildContexts));
    Objects.requireNonNull(secrets, "secrets");
    cacheTo = List.copyOf(cacheTo);
    cacheFrom = List.copyOf(cacheFrom);
    Objects.requireNonNull(cacheKeys, "cacheKeys");
  }
}
