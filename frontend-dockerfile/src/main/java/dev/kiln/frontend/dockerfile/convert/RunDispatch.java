package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.cache.buildkit.BuildkitHints;
import dev.kiln.core.graph.ExecState;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.NetworkMode;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.instructions.Instruction;
import dev.kiln.frontend.dockerfile.instructions.Stage;
import dev.kiln.frontend.dockerfile.parser.Heredoc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RUN as BuildKit's {@code dispatchRun}: shell form through the SHELL, exec form as written; the
 * process gets the image ENV plus the stage's ARG values, the working directory and user; bind,
 * cache and tmpfs mounts map to core mounts.
 */
final class RunDispatch {
  private static final Set<String> BIND_KEYS =
      Set.of("from", "source", "target", "readonly", "readwrite");
  private static final Set<String> CACHE_KEYS = Set.of("id", "sharing", "target");

  private final Conversion conversion;
  private final Stage stage;
  private final StageContext ctx;

  RunDispatch(Conversion conversion, Stage stage, StageContext ctx) {
    this.conversion = conversion;
    this.stage = stage;
    this.ctx = ctx;
  }

  void apply(Instruction.Run r, int line, String name) throws DockerfileParseException {
    List<String> args = args(r.command(), line);
    Run run = Run.of(args.toArray(String[]::new)).network(network(r.network(), line));
    if (r.security() != null && !r.security().equalsIgnoreCase("sandbox")) {
      throw conversion.error(
          line, "RUN --security=" + r.security() + " is not supported" + " (only sandbox)");
    }
    for (dev.kiln.frontend.dockerfile.instructions.Mount m : r.mounts()) {
      run = mount(run, m, line);
    }
    // ARG values are in the process environment but not in the image (ENV wins on a clash)
    Map<String, String> env = new LinkedHashMap<>(ctx.env);
    List<String> buildArgs = new ArrayList<>();
    for (Map.Entry<String, String> a : ctx.args.entrySet()) {
      env.putIfAbsent(a.getKey(), a.getValue());
      buildArgs.add(a.getKey() + "=" + ctx.env.getOrDefault(a.getKey(), a.getValue()));
    }
    env.putIfAbsent("PATH", StageContext.DEFAULT_PATH);
    State state = ctx.withProcessContext(env);
    ExecState exec = state.run(run.named(name));
    // BuildKit's frontend orders the env differently (delete-then-append); record its order
    List<String> llbEnv = entries(ctx.llbEnv);
    if (!llbEnv.equals(entries(env))) {
      exec = exec.withDescription(BuildkitHints.ENV, BuildkitHints.envValue(llbEnv));
    }
    ctx.fs = exec.root();
    String prefix =
        buildArgs.isEmpty() ? "" : "|" + buildArgs.size() + " " + String.join(" ", buildArgs) + " ";
    ctx.history("RUN " + prefix + String.join(" ", args) + " # buildkit", true);
  }

  private static List<String> entries(Map<String, String> env) {
    List<String> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  private List<String> args(Instruction.CommandLine cmd, int line) throws DockerfileParseException {
    List<String> out = new ArrayList<>();
    if (!cmd.files().isEmpty()) {
      Heredoc h = cmd.files().get(0);
      String text = String.join(" ", cmd.args()).strip();
      boolean wholeCommand =
          cmd.files().size() == 1
              && cmd.prependShell()
              && text.matches("<<-?[\"']?" + java.util.regex.Pattern.quote(h.name()) + "[\"']?");
      if (!wholeCommand || h.content().startsWith("#!")) {
        throw conversion.error(
            line,
            "this form of RUN with a here-document is not supported yet"
                + " (supported: RUN <<EOF with a shell script and no #! line)");
      }
      out.addAll(ctx.shellOrDefault());
      out.add(h.content());
      return out;
    }
    if (cmd.prependShell()) {
      out.addAll(ctx.shellOrDefault());
      out.add(String.join(" ", cmd.args()));
    } else {
      out.addAll(cmd.args());
    }
    if (out.isEmpty()) {
      throw conversion.error(line, "RUN needs a command");
    }
    return out;
  }

  private NetworkMode network(String network, int line) throws DockerfileParseException {
    if (network == null) {
      return conversion.request.network();
    }
    return switch (network.toLowerCase(Locale.ROOT)) {
      case "default", "sandbox" -> NetworkMode.SANDBOX;
      case "none" -> NetworkMode.NONE;
      case "host" -> NetworkMode.HOST;
      default ->
          throw conversion.error(
              line, "unsupported RUN --network=" + network + " (use default, none or host)");
    };
  }

  private Run mount(Run run, dev.kiln.frontend.dockerfile.instructions.Mount m, int line)
      throws DockerfileParseException {
    Map<String, String> o = m.options();
    String target = Paths.resolve(ctx.cwd(), o.getOrDefault("target", ""));
    switch (m.type()) {
      case "bind" -> {
        only(m, BIND_KEYS, line);
        boolean readOnly = !Boolean.parseBoolean(o.getOrDefault("readwrite", "false"));
        if (o.containsKey("readonly")) {
          readOnly = Boolean.parseBoolean(o.get("readonly"));
        }
        String source = Paths.clean("/" + o.getOrDefault("source", ""));
        return run.mount(target, mountSource(o.get("from"), line), source, readOnly);
      }
      case "cache" -> {
        only(m, CACHE_KEYS, line);
        Mount.CacheSharing sharing =
            Mount.CacheSharing.valueOf(
                o.getOrDefault("sharing", "shared").toUpperCase(Locale.ROOT));
        return run.cache(target, o.get("id"), sharing);
      }
      case "tmpfs" -> {
        only(m, Set.of("target"), line);
        return run.tmpfs(target);
      }
      default ->
          throw conversion.error(
              line,
              "RUN --mount=type="
                  + m.type()
                  + " is not supported yet (supported: bind, cache, tmpfs)");
    }
  }

  private State mountSource(String from, int line) throws DockerfileParseException {
    if (from == null || from.isEmpty()) {
      return conversion.context();
    }
    Optional<Stage> ref = conversion.stageRef(from.toLowerCase(Locale.ROOT), stage, line);
    if (ref.isPresent()) {
      return conversion.stage(ref.get()).context().fs;
    }
    return State.image(conversion.normalise(from, line), ctx.platform);
  }

  private void only(dev.kiln.frontend.dockerfile.instructions.Mount m, Set<String> keys, int line)
      throws DockerfileParseException {
    for (String k : m.options().keySet()) {
      if (!keys.contains(k)) {
        throw conversion.error(
            line,
            "RUN --mount=type="
                + m.type()
                + " option '"
                + k
                + "' is not supported yet (supported: "
                + String.join(", ", keys.stream().sorted().toList())
                + ")");
      }
    }
  }
}
