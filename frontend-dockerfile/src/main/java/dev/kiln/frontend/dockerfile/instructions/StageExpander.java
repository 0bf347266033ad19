package dev.kiln.frontend.dockerfile.instructions;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.instructions.Instruction.KeyValue;
import dev.kiln.frontend.dockerfile.parser.Heredoc;
import dev.kiln.frontend.dockerfile.shell.ShellExpansionException;
import dev.kiln.frontend.dockerfile.shell.ShellLex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies Docker's variable expansion to a stage: global ARGs (before the first FROM) for FROM,
 * {@code --build-arg} overrides for declared ARGs, and ARG then ENV (ENV wins) for ENV, ARG
 * defaults, LABEL, WORKDIR, COPY, ADD, EXPOSE, USER, VOLUME, STOPSIGNAL and RUN {@code --mount}
 * options. Stateless and thread-safe.
 */
public final class StageExpander {
  private StageExpander() {}

  /**
   * Resolves the global ARGs: defaults expanded in order, overridden by build args.
   *
   * @param df the Dockerfile
   * @param buildArgs the {@code --build-arg} values
   * @return the value of every global ARG that has one
   * @throws DockerfileParseException when a default cannot be expanded
   */
  public static Map<String, String> resolveMetaArgs(Dockerfile df, Map<String, String> buildArgs)
      throws DockerfileParseException {
    ShellLex lex = ShellLex.of(df.directives().escapeToken());
    Map<String, String> meta = new LinkedHashMap<>();
    for (Instruction.Arg arg : df.metaArgs()) {
      for (KeyValue kv : arg.args()) {
        String value = null;
        if (kv.value() != null) {
          value = word(df, arg, lex, kv.value(), meta);
        }
        if (buildArgs.containsKey(kv.key())) {
          value = buildArgs.get(kv.key());
        }
        if (value != null) {
          meta.put(kv.key(), value);
        }
      }
    }
    return meta;
  }

  /**
   * Expands one stage. A stage whose FROM names an earlier stage starts from that stage's ENV;
   * otherwise from {@code baseEnv} (the base image's environment, empty when not known).
   *
   * @param df the Dockerfile
   * @param stage one of its stages
   * @param buildArgs the {@code --build-arg} values
   * @param baseEnv the base image's environment
   * @return the expanded stage
   * @throws DockerfileParseException naming the instruction's line when expansion fails
   */
  public static ExpandedStage expand(
      Dockerfile df, Stage stage, Map<String, String> buildArgs, Map<String, String> baseEnv)
      throws DockerfileParseException {
    Map<String, String> meta = resolveMetaArgs(df, buildArgs);
    ShellLex lex = ShellLex.of(df.directives().escapeToken());
    Instruction.From from = expandFrom(df, stage.from(), lex, meta);
    Map<String, String> env = new LinkedHashMap<>(baseEnv);
    for (Stage earlier : df.stages().subList(0, stage.index())) {
      if (earlier.name().filter(n -> n.equalsIgnoreCase(from.image())).isPresent()) {
        env = new LinkedHashMap<>(expand(df, earlier, buildArgs, baseEnv).env());
        break;
      }
    }
    Map<String, String> args = new LinkedHashMap<>();
    List<Instruction> out = new ArrayList<>();
    for (Instruction ins : stage.commands()) {
      Map<String, String> scope = new HashMap<>(args);
      scope.putAll(env);
      Instruction expanded = expandOne(df, ins, lex, scope, buildArgs, meta);
      if (expanded instanceof Instruction.Env e) {
        for (KeyValue kv : e.pairs()) {
          env.put(kv.key(), kv.value());
        }
      } else if (expanded instanceof Instruction.Arg a) {
        for (KeyValue kv : a.args()) {
          if (kv.value() != null) {
            args.put(kv.key(), kv.value());
          }
        }
      }
      out.add(expanded);
    }
    return new ExpandedStage(stage, from, out, env, args);
  }

  /**
   * Expands a FROM's image and platform with the global ARGs.
   *
   * @param df the Dockerfile
   * @param from a FROM of {@code df}
   * @param meta the global ARG values ({@link #resolveMetaArgs})
   * @return the FROM with image and platform expanded
   * @throws DockerfileParseException naming the line when expansion fails or the image is blank
   */
  public static Instruction.From expandFrom(
      Dockerfile df, Instruction.From from, Map<String, String> meta)
      throws DockerfileParseException {
    return expandFrom(df, from, ShellLex.of(df.directives().escapeToken()), meta);
  }

  /**
   * Expands one instruction the way Docker does, for a caller that tracks ARG and ENV itself (the
   * graph conversion, which also runs ONBUILD triggers). An ARG is returned with its effective
   * values: the build arg, else the expanded default, else the global ARG of that name.
   *
   * @param df the Dockerfile (escape token and file name)
   * @param ins the instruction
   * @param scope the ARG values then ENV values in force before it (ENV wins); not modified
   * @param buildArgs the {@code --build-arg} values
   * @param meta the global ARG values
   * @return the expanded instruction
   * @throws DockerfileParseException naming the instruction's line when expansion fails
   */
  public static Instruction expandInstruction(
      Dockerfile df,
      Instruction ins,
      Map<String, String> scope,
      Map<String, String> buildArgs,
      Map<String, String> meta)
      throws DockerfileParseException {
    ShellLex lex = ShellLex.of(df.directives().escapeToken());
    return expandOne(df, ins, lex, new HashMap<>(scope), buildArgs, meta);
  }

  static Instruction.From expandFrom(
      Dockerfile df, Instruction.From from, ShellLex lex, Map<String, String> meta)
      throws DockerfileParseException {
    String image = word(df, from, lex, from.image(), meta);
    if (image.isEmpty()) {
      throw new DockerfileParseException(
          df.fileName(),
          from.location().startLine(),
          "base name (" + from.image() + ") should not be blank (set the ARG with --build-arg)");
    }
    String platform = from.platform() == null ? null : word(df, from, lex, from.platform(), meta);
    return new Instruction.From(from.location(), image, from.stageName(), platform);
  }

  private static Instruction expandOne(
      Dockerfile df,
      Instruction ins,
      ShellLex lex,
      Map<String, String> scope,
      Map<String, String> buildArgs,
      Map<String, String> meta)
      throws DockerfileParseException {
    if (ins instanceof Instruction.Env e) {
      return new Instruction.Env(e.location(), pairs(df, ins, lex, e.pairs(), scope));
    }
    if (ins instanceof Instruction.Label l) {
      return new Instruction.Label(l.location(), pairs(df, ins, lex, l.pairs(), scope));
    }
    if (ins instanceof Instruction.Arg a) {
      List<KeyValue> kvs = new ArrayList<>();
      for (KeyValue kv : a.args()) {
        String value;
        if (buildArgs.containsKey(kv.key())) {
          value = buildArgs.get(kv.key());
        } else if (kv.value() != null) {
          value = word(df, ins, lex, kv.value(), scope);
        } else {
          // a bare ARG inside a stage inherits the global ARG of that name
          value = meta.get(kv.key());
        }
        kvs.add(new KeyValue(kv.key(), value));
        if (value != null) {
          scope.put(kv.key(), value);
        }
      }
      return new Instruction.Arg(a.location(), kvs);
    }
    if (ins instanceof Instruction.Workdir w) {
      return new Instruction.Workdir(w.location(), word(df, ins, lex, w.path(), scope));
    }
    if (ins instanceof Instruction.User u) {
      return new Instruction.User(u.location(), word(df, ins, lex, u.user(), scope));
    }
    if (ins instanceof Instruction.StopSignal s) {
      return new Instruction.StopSignal(s.location(), word(df, ins, lex, s.signal(), scope));
    }
    if (ins instanceof Instruction.Volume v) {
      List<String> vols = words(df, ins, lex, v.volumes(), scope);
      for (String vol : vols) {
        if (vol.isBlank()) {
          throw new DockerfileParseException(
              df.fileName(),
              ins.location().startLine(),
              "VOLUME specified can not be an empty string");
        }
      }
      return new Instruction.Volume(v.location(), vols);
    }
    if (ins instanceof Instruction.Expose x) {
      List<String> ports = new ArrayList<>();
      for (String p : x.ports()) {
        try {
          ports.addAll(lex.processWords(p, scope));
        } catch (ShellExpansionException e) {
          throw failure(df, ins, e);
        }
      }
      return new Instruction.Expose(x.location(), ports);
    }
    if (ins instanceof Instruction.Copy c) {
      return new Instruction.Copy(
          c.location(),
          words(df, ins, lex, c.sources(), scope),
          word(df, ins, lex, c.dest(), scope),
          heredocs(df, ins, c.sourceContents(), scope),
          // --from is not expanded: BuildKit's CopyCommand.Expand leaves it as written (an ARG
          // there is an image name "$X", an invalid reference; moby/buildkit#2412)
          c.from(),
          opt(df, ins, lex, c.chown(), scope),
          opt(df, ins, lex, c.chmod(), scope),
          c.link(),
          c.parents(),
          words(df, ins, lex, c.excludes(), scope));
    }
    if (ins instanceof Instruction.Add a) {
      return new Instruction.Add(
          a.location(),
          words(df, ins, lex, a.sources(), scope),
          word(df, ins, lex, a.dest(), scope),
          heredocs(df, ins, a.sourceContents(), scope),
          opt(df, ins, lex, a.chown(), scope),
          opt(df, ins, lex, a.chmod(), scope),
          a.link(),
          a.keepGitDir(),
          opt(df, ins, lex, a.checksum(), scope),
          words(df, ins, lex, a.excludes(), scope));
    }
    if (ins instanceof Instruction.Run r) {
      List<Mount> mounts = new ArrayList<>();
      for (Mount m : r.mounts()) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : m.options().entrySet()) {
          opts.put(e.getKey(), word(df, ins, lex, e.getValue(), scope));
        }
        mounts.add(new Mount(word(df, ins, lex, m.type(), scope), opts));
      }
      return new Instruction.Run(r.location(), r.command(), mounts, r.network(), r.security());
    }
    return ins;
  }

  private static List<KeyValue> pairs(
      Dockerfile df, Instruction ins, ShellLex lex, List<KeyValue> in, Map<String, String> scope)
      throws DockerfileParseException {
    List<KeyValue> out = new ArrayList<>();
    for (KeyValue kv : in) {
      out.add(
          new KeyValue(word(df, ins, lex, kv.key(), scope), word(df, ins, lex, kv.value(), scope)));
    }
    return out;
  }

  private static List<Heredoc> heredocs(
      Dockerfile df, Instruction ins, List<Heredoc> in, Map<String, String> scope)
      throws DockerfileParseException {
    // BuildKit's ExpandRaw: quotes are plain text, escapes are processed, and the escape character
    // is always the backslash (whatever the escape directive says)
    ShellLex raw = ShellLex.of('\\').withSkipProcessQuotes(true);
    List<Heredoc> out = new ArrayList<>();
    for (Heredoc h : in) {
      out.add(h.expand() ? h.withContent(word(df, ins, raw, h.content(), scope)) : h);
    }
    return out;
  }

  private static List<String> words(
      Dockerfile df, Instruction ins, ShellLex lex, List<String> in, Map<String, String> scope)
      throws DockerfileParseException {
    List<String> out = new ArrayList<>();
    for (String s : in) {
      out.add(word(df, ins, lex, s, scope));
    }
    return out;
  }

  private static String opt(
      Dockerfile df, Instruction ins, ShellLex lex, String s, Map<String, String> scope)
      throws DockerfileParseException {
    return s == null ? null : word(df, ins, lex, s, scope);
  }

  private static String word(
      Dockerfile df, Instruction ins, ShellLex lex, String s, Map<String, String> scope)
      throws DockerfileParseException {
    try {
      return lex.processWord(s, scope);
    } catch (ShellExpansionException e) {
      throw failure(df, ins, e);
    }
  }

  private static DockerfileParseException failure(
      Dockerfile df, Instruction ins, ShellExpansionException e) {
    return new DockerfileParseException(
        df.fileName(), ins.location().startLine(), e.getMessage(), e);
  }
}
