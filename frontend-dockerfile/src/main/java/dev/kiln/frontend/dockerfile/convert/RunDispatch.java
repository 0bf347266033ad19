package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.NetworkMode;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.instructions.Instruction;
import dev.kiln.frontend.dockerfile.instructions.Stage;
import dev.kiln.frontend.dockerfile.parser.Heredoc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * RUN as BuildKit's {@code dispatchRun}: shell form through the SHELL, exec form as written; the
 * process gets the image ENV plus the stage's ARG values, the working directory and user; {@code
 * --mount}s are {@link RunMounts}.
 */
final class RunDispatch {
  /** Where a here-document script with an interpreter line is mounted (BuildKit's path). */
  private static final String PIPES = "/dev/pipes/";

  private final Conversion conversion;
  private final Stage stage;
  private final StageContext ctx;

  RunDispatch(Conversion conversion, Stage stage, StageContext ctx) {
    this.conversion = conversion;
    this.stage = stage;
    this.ctx = ctx;
  }

  void apply(Instruction.Run r, int line, String name) throws DockerfileParseException {
    Instruction.CommandLine cmd = r.command();
    State script = null;
    if (!cmd.files().isEmpty()) {
      if (cmd.args().size() != 1 || !cmd.prependShell()) {
        throw conversion.error(line, "parsing produced an invalid run command: " + cmd.args());
      }
      Optional<Heredoc> whole = Heredoc.opener(cmd.args().get(0));
      if (whole.isPresent()) {
        Heredoc file = cmd.files().get(0);
        String data = file.data();
        if (data.startsWith("#!")) {
          // as BuildKit: a script with an interpreter line is a file (0755) of its own, mounted
          // read-only at /dev/pipes/ and run by the shell; the body is never expanded
          script =
              State.scratch()
                  .file(
                      FileStep.of(
                          new FileAction.Mkfile(
                              "/" + file.name(),
                              0755,
                              data.getBytes(StandardCharsets.UTF_8),
                              null)))
                  .named("[internal] preparing inline document");
          cmd = commandLine(List.of(PIPES + file.name()));
        } else {
          // a plain script is the shell's command string ("fake" here-document)
          cmd = commandLine(List.of(data));
        }
        name = name + " (" + summary(file.content()) + ")";
      } else {
        // a command using here-documents: given back to the shell with the bodies, which does
        // the redirections, the expansion and the <<- tab stripping itself
        StringBuilder b = new StringBuilder(cmd.args().get(0));
        for (Heredoc f : cmd.files()) {
          b.append('\n').append(f.content()).append(f.name());
        }
        cmd = commandLine(List.of(b.toString()));
      }
    }
    List<String> args = args(cmd, line);
    Run run = Run.of(args.toArray(String[]::new)).network(network(r.network(), line));
    if (script != null) {
      run = run.mount(PIPES, script, "/", true);
    }
    if (r.security() != null && !r.security().equalsIgnoreCase("sandbox")) {
      throw conversion.error(
          line, "RUN --security=" + r.security() + " is not supported" + " (only sandbox)");
    }
    RunMounts mounts = new RunMounts(conversion, this, ctx, line);
    for (dev.kiln.frontend.dockerfile.instructions.Mount m : r.mounts()) {
      run = mounts.add(run, m);
    }
    run = conversion.runSettings().applyTo(run);
    // the build state's environment (BuildKit's LLB env, in its order): image ENV plus ARG values,
    // which stay out of the image
    Map<String, String> env = new LinkedHashMap<>(ctx.llbEnv);
    env.putIfAbsent("PATH", StageContext.DEFAULT_PATH);
    if (mounts.firstSshTarget() != null) {
      // as BuildKit's llb: the first agent socket unless the env has one
      env.putIfAbsent("SSH_AUTH_SOCK", mounts.firstSshTarget());
    }
    State state = ctx.withProcessContext(env);
    ctx.fs = state.run(run.named(name)).root();
    ctx.history("RUN " + ctx.runHistoryPrefix() + String.join(" ", args) + " # buildkit", true);
  }

  private static Instruction.CommandLine commandLine(List<String> shellForm) {
    return new Instruction.CommandLine(shellForm, true, List.of());
  }

  /** BuildKit's summarizeHeredoc: the first line of the trimmed body, "..." when there are more. */
  static String summary(String body) {
    String[] lines = body.strip().replace("\r\n", "\n").split("\n", -1);
    return lines.length > 1 ? lines[0] + "..." : lines[0];
  }

  private List<String> args(Instruction.CommandLine cmd, int line) throws DockerfileParseException {
    List<String> out = new ArrayList<>();
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

  /**
   * The state a bind or cache mount reads: {@code from} (stage, context, image) or the context. A
   * mount names a stage by name only: a number is an image name, not a stage index (BuildKit's
   * detectRunMount looks stages up with findStateByName, unlike COPY --from).
   */
  State mountSource(String from, int line) throws DockerfileParseException {
    if (from == null || from.isEmpty()) {
      return conversion.context();
    }
    Optional<Stage> ref = conversion.stageByName(from.toLowerCase(Locale.ROOT));
    if (ref.isPresent()) {
      return conversion.stage(ref.get()).context().fs;
    }
    return conversion.fromSource(from, ctx.platform, line);
  }
}
