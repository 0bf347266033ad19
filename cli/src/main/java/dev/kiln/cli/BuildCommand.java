package dev.kiln.cli;

import com.google.inject.Guice;
import dev.kiln.cli.progress.ProgressMode;
import dev.kiln.oci.Platform;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln build [OPTIONS] PATH}: the flags of {@code docker buildx build} that kiln supports.
 * Checks and resolves them into a {@link BuildRequest}, then runs the {@link BuildService} wired by
 * {@link KilnModule}.
 */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    versionProvider = KilnCommand.Version.class,
    description = "Build an image from a Dockerfile and a build context.",
    sortOptions = false)
final class BuildCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "PATH",
      description =
          "The build context: a directory, a tar archive (plain, gzip, bzip2, xz, zstd), or - to"
              + " read such an archive (or a Dockerfile, for an empty context) from standard"
              + " input.")
  String path;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "The Dockerfile (default: PATH/Dockerfile).")
  String file;

  @Option(
      names = {"-t", "--tag"},
      paramLabel = "NAME",
      description = "Name and optionally tag the image (name:tag); repeatable.")
  List<String> tags = new ArrayList<>();

  @Option(names = "--push", description = "Push the tagged image (same as --output=type=registry).")
  boolean push;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "SPEC",
      description =
          "Output destination: type=image|registry|oci|docker|local,dest=…,name=…; repeatable. "
              + "A bare path means type=local,dest=PATH.")
  List<String> outputs = new ArrayList<>();

  @Option(names = "--target", paramLabel = "STAGE", description = "The stage to build.")
  String target;

  @Option(
      names = "--build-arg",
      paramLabel = "KEY[=VALUE]",
      description = "Set a build-time variable; KEY alone takes its value from the environment.")
  List<String> buildArgs = new ArrayList<>();

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH",
      description = "Target platform; only the native one is supported.")
  String platform;

  @Option(
      names = "--network",
      paramLabel = "MODE",
      description =
          "Network of RUN steps without RUN --network: default (a private network with loopback"
              + " only), none or host.")
  String network = "default";

  @Option(
      names = "--add-host",
      paramLabel = "HOST:IP",
      description = "Add a host-to-IP mapping to /etc/hosts of RUN steps; repeatable.")
  List<String> addHosts = new ArrayList<>();

  @Option(
      names = "--build-context",
      paramLabel = "NAME=VALUE",
      description =
          "An additional named context for FROM NAME, COPY --from=NAME and RUN --mount from=NAME:"
              + " a directory, docker-image://REF or oci-layout://PATH[:TAG]; repeatable.")
  List<String> buildContexts = new ArrayList<>();

  @Option(
      names = "--cache-to",
      paramLabel = "SPEC",
      description =
          "Export the build cache: type=registry,ref=REF[,mode=min|max,compression=gzip|zstd|"
              + "uncompressed,compression-level=N,force-compression=BOOL,oci-mediatypes=BOOL,"
              + "image-manifest=BOOL,ignore-error=BOOL] or type=local,dest=DIR[,tag=T,…];"
              + " repeatable.")
  List<String> cacheTo = new ArrayList<>();

  @Option(
      names = "--cache-from",
      paramLabel = "SPEC",
      description =
          "Import a build cache: REF (= type=registry,ref=REF), type=registry,ref=REF or"
              + " type=local,src=DIR[,digest=D|tag=T]; repeatable. A cache that cannot be read is"
              + " a warning; the build goes on without it.")
  List<String> cacheFrom = new ArrayList<>();

  @Option(
      names = "--secret",
      paramLabel = "id=ID[,src=FILE|env=VAR]",
      description = "A secret for RUN --mount=type=secret; repeatable.")
  List<String> secrets = new ArrayList<>();

  @Option(
      names = "--ssh",
      paramLabel = "default|ID=SOCKET",
      description = "An SSH agent socket for RUN --mount=type=ssh; repeatable.")
  List<String> ssh = new ArrayList<>();

  @Option(names = "--no-cache", description = "Do not use the cache when building.")
  boolean noCache;

  @Option(
      names = "--cache-keys",
      paramLabel = "VERSION",
      description =
          "Cache-key formulas: buildkit-v0.32 (default; share cache records with BuildKit"
              + " v0.26-v0.32), buildkit-v0.11 (BuildKit v0.11-v0.12) or kiln (kiln's own).")
  String cacheKeys = BuildRequest.DEFAULT_CACHE_KEYS;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      description = "auto (default), plain, tty, quiet or rawjson.")
  String progress = "auto";

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "Where kiln keeps its state (default: $XDG_DATA_HOME/kiln or ~/.local/share/kiln).")
  String root;

  @Option(
      names = "--snapshotter",
      paramLabel = "NAME",
      description = "How RUN root file systems are prepared: auto (default), overlay or native.")
  String snapshotter = "auto";

  @Option(
      names = "--metadata-file",
      paramLabel = "FILE",
      description = "Write the build result metadata (image digest, …) to FILE as JSON.")
  String metadataFile;

  @Option(names = "--debug", description = "Show stack traces of errors.")
  boolean debug;

  @Option(
      names = {"-q", "--quiet"},
      description = "Suppress the build output and print the image ID on success.")
  boolean quiet;

  @Option(names = "--iidfile", paramLabel = "FILE", description = "Write the image ID to FILE.")
  String iidFile;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "Set a label on the image; repeatable.")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--load",
      description = "Load the image into the local docker engine (same as --output=type=docker).")
  boolean load;

  private final Invocation invocation;

  BuildCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  /** The context extracted for this build (archive or standard input), removed after it. */
  private ContextInput contextInput;

  @Override
  public Integer call() throws Exception {
    try {
      BuildRequest request = request();
      Logging.configure(request.debug(), request.progress());
      BuildService service =
          Guice.createInjector(new KilnModule(request, invocation)).getInstance(BuildService.class);
      service.build();
      return 0;
    } finally {
      if (contextInput != null) {
        contextInput.close();
      }
    }
  }

  /**
   * {@code PATH/Dockerfile}, or {@code PATH/dockerfile} when only that exists, as the docker CLI
   * picks it ({@code getDockerfileRelPath}).
   */
  private static Path defaultDockerfile(Path context) {
    Path upper = context.resolve("Dockerfile");
    Path lower = context.resolve("dockerfile");
    if (!Files.exists(upper, LinkOption.NOFOLLOW_LINKS)
        && Files.exists(lower, LinkOption.NOFOLLOW_LINKS)) {
      return lower;
    }
    return upper;
  }

  BuildRequest request() throws CliException {
    Path stateRoot = KilnState.root(root, invocation);
    boolean stdin = "-".equals(file);
    if (contextInput == null) {
      contextInput = ContextInput.open(path, invocation, stateRoot, stdin);
    }
    Path context = contextInput.dir();
    Path dockerfile;
    if (file == null || stdin) {
      dockerfile = defaultDockerfile(context);
    } else if (contextInput.extracted() && !Path.of(file).isAbsolute()) {
      // as docker for a context archive: a relative -f names a file inside it
      dockerfile = context.resolve(file).normalize();
    } else {
      dockerfile = invocation.resolve(file);
    }
    String text = stdin ? readStdin() : contextInput.dockerfileText();
    checkPlatform();
    ProgressMode mode;
    try {
      mode =
          quiet ? ProgressMode.QUIET : ProgressMode.parse(progress).resolve(invocation.terminal());
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    if (!List.of("kiln", "buildkit-v0.11", "buildkit-v0.32").contains(cacheKeys)) {
      throw new CliException(
          "--cache-keys=" + cacheKeys + " is not one of kiln, buildkit-v0.11, buildkit-v0.32");
    }
    if (!List.of("auto", "overlay", "native").contains(snapshotter)) {
      throw new CliException(
          "--snapshotter=" + snapshotter + " is not one of auto, overlay, native");
    }
    dev.kiln.core.graph.NetworkMode net =
        switch (network) {
          case "default", "sandbox" -> dev.kiln.core.graph.NetworkMode.SANDBOX;
          case "none" -> dev.kiln.core.graph.NetworkMode.NONE;
          case "host" -> dev.kiln.core.graph.NetworkMode.HOST;
          default ->
              throw new CliException("--network=" + network + " is not one of default, none, host");
        };
    Instant epoch = sourceDateEpoch();
    Map<String, String> args = buildArgs();
    if (epoch != null) {
      args.putIfAbsent("SOURCE_DATE_EPOCH", Long.toString(epoch.getEpochSecond()));
    }
    return new BuildRequest(
        context,
        dockerfile,
        tags,
        push,
        outputs,
        target == null || target.isEmpty() ? null : target,
        args,
        noCache,
        mode,
        stateRoot,
        snapshotter,
        epoch,
        metadataFile == null ? null : invocation.resolve(metadataFile),
        debug,
        quiet,
        iidFile == null ? null : invocation.resolve(iidFile),
        labels(),
        load,
        net,
        text,
        ExtraHosts.parse(addHosts),
        namedContexts(),
        ClientSecrets.parse(secrets, ssh, invocation),
        cacheSpecs("--cache-to", cacheTo),
        cacheSpecs("--cache-from", cacheFrom),
        cacheKeys);
  }

  /**
   * {@code --build-context NAME=VALUE}: name → {@code docker-image://REF}, {@code oci-layout://…}
   * or the absolute path of a directory.
   */
  private Map<String, String> namedContexts() throws CliException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String c : buildContexts) {
      int eq = c.indexOf('=');
      if (eq <= 0 || eq == c.length() - 1) {
        throw new CliException("--build-context " + c + ": use NAME=VALUE, e.g. base=../base");
      }
      String name = c.substring(0, eq);
      String value = c.substring(eq + 1);
      if (name.equals(
          dev.kiln.frontend.dockerfile.convert.ConversionRequest.DEFAULT_CONTEXT_NAME)) {
        throw new CliException(
            "--build-context " + c + ": the name " + name + " is the main build context's");
      }
      if (value.startsWith("docker-image://") || value.startsWith("oci-layout://")) {
        out.put(name, value);
      } else if (value.matches("(?i)^(git|https?|ssh|target|input)[:@].*")
          || value.startsWith("git@")) {
        throw new CliException(
            "--build-context "
                + c
                + ": only directories, docker-image:// and oci-layout:// are supported");
      } else {
        Path dir = invocation.resolve(value);
        if (!Files.isDirectory(dir)) {
          throw new CliException("--build-context " + c + ": " + dir + " is not a directory");
        }
        out.put(name, dir.toString());
      }
    }
    return out;
  }

  private static List<CacheSpec> cacheSpecs(String flag, List<String> values) throws CliException {
    List<CacheSpec> out = new ArrayList<>();
    for (String v : values) {
      out.add(CacheSpec.parse(flag, v));
    }
    return out;
  }

  private void checkPlatform() throws CliException {
    if (platform == null || platform.isEmpty() || platform.equals("local")) {
      return;
    }
    Platform nativePlatform = Platform.current();
    for (String p : platform.split(",")) {
      Platform wanted;
      try {
        wanted = Platform.parse(p.trim());
      } catch (IllegalArgumentException e) {
        throw new CliException("--platform " + p + ": " + e.getMessage());
      }
      if (!wanted.matches(nativePlatform) && !nativePlatform.matches(wanted)) {
        throw new CliException(
            "--platform "
                + p.trim()
                + " is not supported: kiln builds only for the native platform "
                + nativePlatform
                + "; drop --platform or pass --platform "
                + nativePlatform);
      }
    }
  }

  private Map<String, String> buildArgs() throws CliException {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : buildArgs) {
      int eq = a.indexOf('=');
      String key = eq < 0 ? a : a.substring(0, eq);
      if (key.isEmpty()) {
        throw new CliException("--build-arg " + a + ": the name is empty; use KEY=VALUE");
      }
      if (eq >= 0) {
        args.put(key, a.substring(eq + 1));
      } else if (invocation.env().containsKey(key)) {
        // As docker: a bare KEY takes its value from the environment, or is ignored.
        args.put(key, invocation.env().get(key));
      }
    }
    return args;
  }

  /** {@code -f -}: the Dockerfile from standard input, at most 16 MiB of UTF-8. */
  private String readStdin() throws CliException {
    try {
      byte[] bytes = invocation.in().readNBytes((16 << 20) + 1);
      if (bytes.length > 16 << 20) {
        throw new CliException("-f -: the Dockerfile on standard input is larger than 16 MiB");
      }
      return java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new CliException("-f -: the Dockerfile on standard input is not UTF-8 text", e);
    } catch (java.io.IOException e) {
      throw new CliException("-f -: cannot read standard input: " + e.getMessage(), e);
    }
  }

  private Map<String, String> labels() throws CliException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String l : labels) {
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new CliException("--label " + l + ": use KEY=VALUE");
      }
      out.put(l.substring(0, eq), l.substring(eq + 1));
    }
    return out;
  }

  private Instant sourceDateEpoch() throws CliException {
    String v = invocation.env().get("SOURCE_DATE_EPOCH");
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(v.trim());
      if (seconds < 0) {
        throw new NumberFormatException();
      }
      return Instant.ofEpochSecond(seconds);
    } catch (NumberFormatException e) {
      throw new CliException(
          "SOURCE_DATE_EPOCH=" + v + " is not a number of seconds since 1970; fix or unset it");
    }
  }
}
