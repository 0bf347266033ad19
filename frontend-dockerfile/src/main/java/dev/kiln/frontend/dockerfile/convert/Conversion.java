package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.State;
import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.instructions.Dockerfile;
import dev.kiln.frontend.dockerfile.instructions.Instruction;
import dev.kiln.frontend.dockerfile.instructions.Stage;
import dev.kiln.frontend.dockerfile.instructions.StageExpander;
import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Platform;
import dev.kiln.oci.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One conversion run: converts stages on demand (a stage is converted once, when first needed) and
 * owns the shared build-context source. Confined to the converting thread.
 */
final class Conversion {

  /** The prefix of references to images in a local OCI layout directory (BuildKit's syntax). */
  static final String OCI_LAYOUT = "oci-layout://";

  /** A converted stage. */
  record Result(StageContext context) {}

  /** An instruction to dispatch; triggers report errors at the FROM line. */
  record Command(Instruction instruction, int line, String display) {}

  final Dockerfile df;
  final ConversionRequest request;
  final Map<String, String> meta;
  private final Map<Integer, Result> done = new HashMap<>();
  private final Set<Integer> inProgress = new HashSet<>();
  private State context;
  private RunSettings runSettings;

  Conversion(Dockerfile df, ConversionRequest request, Map<String, String> meta) {
    this.df = df;
    this.request = request;
    this.meta = meta;
  }

  DockerfileParseException error(int line, String detail) {
    return new DockerfileParseException(df.fileName(), line, detail);
  }

  /** The build context, with the .dockerignore patterns as excludes (one vertex per build). */
  State context() {
    if (context == null) {
      LocalOp op =
          new LocalOp(request.contextName(), List.of(), request.excludes(), request.contextName());
      context = State.local(op).named("[internal] load build context");
    }
    return context;
  }

  /** The settings every RUN of this build gets (proxy args, hostname, extra hosts). */
  RunSettings runSettings() {
    if (runSettings == null) {
      runSettings = RunSettings.of(request);
    }
    return runSettings;
  }

  /** The stage named {@code name} (lower case), if any. */
  Optional<Stage> stageByName(String name) {
    return df.stageByName(name);
  }

  /** Resolves a {@code --from} value: a stage name, an earlier stage's index, or null. */
  Optional<Stage> stageRef(String ref, Stage current, int line) throws DockerfileParseException {
    if (ref.matches("[0-9]+")) {
      int index = ref.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(ref);
      if (index >= current.index()) {
        throw error(
            line,
            "invalid from flag value "
                + ref
                + ": refers to current or future build stage (use an earlier stage's index or name)");
      }
      return Optional.of(df.stages().get(index));
    }
    return df.stageByName(ref);
  }

  /**
   * The normalised reference of an image name, e.g. {@code docker.io/library/busybox:latest}; an
   * {@code oci-layout://PATH[:TAG|@DIGEST]} reference (an image in a local OCI layout) is kept as
   * written.
   */
  String normalise(String image, int line) throws DockerfileParseException {
    if (image.startsWith(OCI_LAYOUT)) {
      if (image.length() == OCI_LAYOUT.length()) {
        throw error(line, "oci-layout:// needs a path: oci-layout://PATH[:TAG]");
      }
      return image;
    }
    try {
      return Reference.parse(image).toString();
    } catch (IllegalArgumentException e) {
      throw error(line, e.getMessage());
    }
  }

  Result stage(Stage stage) throws DockerfileParseException {
    Result r = done.get(stage.index());
    if (r != null) {
      return r;
    }
    if (!inProgress.add(stage.index())) {
      throw error(
          stage.from().location().startLine(),
          "circular dependency detected on stage: " + stage.displayName());
    }
    r = new Result(convert(stage));
    inProgress.remove(stage.index());
    done.put(stage.index(), r);
    return r;
  }

  private StageContext convert(Stage stage) throws DockerfileParseException {
    int line = stage.from().location().startLine();
    Instruction.From from = StageExpander.expandFrom(df, stage.from(), meta);
    Platform platform = request.platform();
    if (from.platform() != null && !from.platform().isEmpty()) {
      Platform wanted;
      try {
        wanted = Platform.parse(from.platform());
      } catch (IllegalArgumentException e) {
        throw error(line, "FROM --platform: " + e.getMessage());
      }
      if (!wanted.matches(platform)) {
        throw error(
            line,
            "FROM --platform="
                + from.platform()
                + " is not supported: kiln builds"
                + " only for the native platform "
                + platform
                + " (remove --platform or use "
                + platform
                + ")");
      }
    }
    String prefix = prefix(stage);
    Optional<NamedContext> replacing = stage.name().flatMap(request::namedContext);
    if (replacing.isPresent()) {
      // as BuildKit: a named context of the stage's name replaces the whole stage
      Base b = namedBase(stage.name().get(), replacing.get(), platform, line);
      return new StageContext(prefix, b.fs(), b.config(), platform);
    }
    String image = from.image();
    Optional<Stage> baseStage = Optional.empty();
    for (Stage earlier : df.stages().subList(0, stage.index())) {
      if (earlier.name().filter(n -> n.equals(image.toLowerCase(Locale.ROOT))).isPresent()) {
        baseStage = Optional.of(earlier);
      }
    }
    State fs;
    ImageConfig base;
    String fromName = null;
    Optional<NamedContext> named =
        baseStage.isPresent() ? Optional.empty() : request.namedContext(image);
    if (named.isPresent()) {
      Base b = namedBase(image, named.get(), platform, line);
      fs = b.fs();
      base = b.config();
      fromName = b.fromName();
    } else if (baseStage.isPresent()) {
      StageContext b = stage(baseStage.get()).context();
      fs = b.fs;
      base = b.toImageConfig();
    } else if (image.equalsIgnoreCase("scratch")) {
      fs = State.scratch();
      base = scratchConfig(platform);
    } else {
      String ref = normalise(image, line);
      try {
        base = request.resolver().resolve(ref, platform);
      } catch (IOException e) {
        throw new DockerfileParseException(
            df.fileName(), line, "cannot resolve base image " + ref + ": " + e.getMessage(), e);
      }
      if (base == null) {
        throw error(line, "cannot resolve base image " + ref + ": the resolver returned no config");
      }
      fs = State.image(ref, platform);
      fromName = "FROM " + ref;
    }
    List<Command> commands = new ArrayList<>(triggers(base, image, line));
    for (Instruction ins : stage.commands()) {
      commands.add(new Command(ins, ins.location().startLine(), display(ins)));
    }
    int total = commands.size() + 1;
    if (fromName != null && !fromName.isEmpty()) {
      fs = fs.named(prefix + "1/" + total + "] " + fromName);
    }
    StageContext ctx = new StageContext(prefix, fs, base, platform);
    if (baseStage.isPresent()) {
      ctx.inherit(stage(baseStage.get()).context());
    }
    Dispatcher dispatcher = new Dispatcher(this, stage, ctx);
    int index = 1;
    for (Command c : commands) {
      index++;
      dispatcher.dispatch(c, prefix + index + "/" + total + "] " + c.display());
    }
    return ctx;
  }

  /** The file system and image config a named context provides, and its FROM progress name. */
  record Base(State fs, ImageConfig config, String fromName) {}

  /**
   * The state of {@code --from} / {@code from=} value {@code name} that names no stage: a named
   * context of that name, else the image.
   */
  State fromSource(String name, Platform platform, int line) throws DockerfileParseException {
    Optional<NamedContext> named = request.namedContext(name);
    if (named.isPresent()) {
      return namedBase(name, named.get(), platform, line).fs();
    }
    return State.image(normalise(name, line), platform);
  }

  private Base namedBase(String name, NamedContext nc, Platform platform, int line)
      throws DockerfileParseException {
    if (nc instanceof NamedContext.Local local) {
      LocalOp op = new LocalOp(local.sourceName(), List.of(), local.excludes(), local.sourceName());
      State fs = State.local(op).named("[context " + name + "] load from client");
      return new Base(fs, scratchConfig(platform), "");
    }
    String ref = ((NamedContext.Image) nc).ref();
    if (ref.equals("scratch")) {
      return new Base(State.scratch(), scratchConfig(platform), "");
    }
    String normalised = normalise(ref, line);
    ImageConfig config;
    try {
      config = request.resolver().resolve(normalised, platform);
    } catch (IOException e) {
      throw new DockerfileParseException(
          df.fileName(),
          line,
          "cannot resolve " + normalised + " of build context " + name + ": " + e.getMessage(),
          e);
    }
    if (config == null) {
      throw error(line, "cannot resolve " + normalised + ": the resolver returned no config");
    }
    return new Base(State.image(normalised, platform), config, "FROM " + normalised);
  }

  private String prefix(Stage stage) {
    if (stage.name().isPresent()) {
      return "[" + stage.name().get() + " ";
    }
    return df.stages().size() > 1 ? "[stage-" + stage.index() + " " : "[";
  }

  /** Parses the base's ONBUILD triggers; they run first, as BuildKit does. */
  private List<Command> triggers(ImageConfig base, String image, int line)
      throws DockerfileParseException {
    List<String> triggers = base.containerConfig().onBuild();
    if (triggers.isEmpty()) {
      return List.of();
    }
    List<Command> out = new ArrayList<>();
    // each trigger is parsed on its own and must be exactly one instruction (BuildKit's
    // initOnBuildTriggers); a trigger may carry here-document bodies
    for (String trigger : triggers) {
      Dockerfile parsed;
      try {
        parsed = Dockerfile.parse(df.fileName(), "FROM scratch\n" + trigger);
      } catch (DockerfileParseException e) {
        throw error(line, "invalid ONBUILD trigger in base " + image + ": " + e.detail());
      }
      if (parsed.stages().size() != 1) {
        throw error(
            line,
            "invalid ONBUILD trigger in base "
                + image
                + ": FROM is not allowed as an ONBUILD trigger");
      }
      List<Instruction> commands = parsed.stages().get(0).commands();
      if (commands.size() != 1) {
        throw error(
            line,
            "invalid ONBUILD trigger in base "
                + image
                + ": onbuild trigger should be a single expression");
      }
      Instruction ins = commands.get(0);
      if (ins instanceof Instruction.Onbuild) {
        throw error(
            line,
            "invalid ONBUILD trigger in base "
                + image
                + ": chaining ONBUILD via ONBUILD ONBUILD is not allowed");
      }
      out.add(new Command(ins, line, display(ins)));
    }
    return out;
  }

  /** The instruction as written, keyword upper-cased (the progress name BuildKit shows). */
  static String display(Instruction ins) {
    String text = ins.location().original().strip();
    int sp = 0;
    while (sp < text.length() && !Character.isWhitespace(text.charAt(sp))) {
      sp++;
    }
    return text.substring(0, sp).toUpperCase(Locale.ROOT) + text.substring(sp);
  }

  private static ImageConfig scratchConfig(Platform platform) {
    ContainerConfig c =
        ContainerConfig.empty()
            .withEnv(List.of("PATH=" + StageContext.DEFAULT_PATH))
            .withUserAndWorkingDir(null, "/");
    return ImageConfig.of(platform).withConfig(c);
  }
}
