package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.Owner;
import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.instructions.Instruction;
import dev.kiln.frontend.dockerfile.instructions.Instruction.KeyValue;
import dev.kiln.frontend.dockerfile.instructions.Stage;
import dev.kiln.frontend.dockerfile.instructions.StageExpander;
import dev.kiln.oci.ContainerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Applies the instructions of one stage to its {@link StageContext}, as BuildKit's {@code
 * dispatch}: metadata instructions change the image config and add an empty-layer history entry;
 * WORKDIR, COPY, ADD and RUN also add vertices. Confined to the converting thread.
 */
final class Dispatcher {
  private final Conversion conversion;
  private final Stage stage;
  private final StageContext ctx;

  Dispatcher(Conversion conversion, Stage stage, StageContext ctx) {
    this.conversion = conversion;
    this.stage = stage;
    this.ctx = ctx;
  }

  void dispatch(Conversion.Command command, String progressName) throws DockerfileParseException {
    int line = command.line();
    Instruction ins;
    try {
      ins =
          StageExpander.expandInstruction(
              conversion.df,
              command.instruction(),
              ctx.scope(),
              conversion.request.buildArgs(),
              conversion.meta);
    } catch (DockerfileParseException e) {
      throw conversion.error(line, e.detail());
    }
    try {
      apply(ins, line, progressName);
    } catch (IllegalArgumentException e) {
      // a value core's graph rejects (e.g. a duplicate mount target): report it at the line
      throw conversion.error(line, e.getMessage());
    }
  }

  private void apply(Instruction ins, int line, String name) throws DockerfileParseException {
    if (ins instanceof Instruction.Env e) {
      StringBuilder msg = new StringBuilder("ENV");
      for (KeyValue kv : e.pairs()) {
        ctx.env.put(kv.key(), kv.value());
        ctx.addLlbEnv(kv.key(), kv.value());
        msg.append(' ').append(kv.key()).append('=').append(kv.value());
      }
      ctx.history(msg.toString(), false);
    } else if (ins instanceof Instruction.Arg a) {
      List<String> parts = new ArrayList<>();
      // as BuildKit's dispatchArg: a value goes into the build state's environment (not the
      // image's); an ARG without one leaves whatever is there (e.g. a parent stage's value)
      for (KeyValue kv : a.args()) {
        ctx.buildArgs.add(kv);
        if (kv.value() != null) {
          ctx.addLlbEnv(kv.key(), kv.value());
          parts.add(kv.key() + "=" + kv.value());
        } else {
          parts.add(kv.key());
        }
      }
      ctx.history("ARG " + String.join(" ", parts), false);
    } else if (ins instanceof Instruction.Label l) {
      StringBuilder msg = new StringBuilder("LABEL");
      for (KeyValue kv : l.pairs()) {
        ctx.labels.put(kv.key(), kv.value());
        msg.append(' ').append(kv.key()).append('=').append(kv.value());
      }
      ctx.history(msg.toString(), false);
    } else if (ins instanceof Instruction.Workdir w) {
      workdir(w, name);
    } else if (ins instanceof Instruction.Copy || ins instanceof Instruction.Add) {
      new CopyDispatch(conversion, stage, ctx).apply(ins, line, name);
    } else if (ins instanceof Instruction.Run r) {
      new RunDispatch(conversion, stage, ctx).apply(r, line, name);
    } else if (ins instanceof Instruction.Cmd c) {
      ctx.cmd = command(c.command().args(), c.command().prependShell());
      ctx.cmdSet = true;
      ctx.argsEscaped = true;
      ctx.history("CMD " + GoFormat.quoteList(ctx.cmd), false);
    } else if (ins instanceof Instruction.Entrypoint e) {
      ctx.entrypoint = command(e.command().args(), e.command().prependShell());
      // Docker drops the base's CMD when ENTRYPOINT is set, unless this stage set CMD before
      if (!ctx.cmdSet) {
        ctx.cmd = null;
      }
      ctx.argsEscaped = true;
      ctx.history("ENTRYPOINT " + GoFormat.quoteList(ctx.entrypoint), false);
    } else if (ins instanceof Instruction.Expose x) {
      // the history names this instruction's ports only (BuildKit's dispatchExpose)
      TreeSet<String> ports = new TreeSet<>();
      for (String p : x.ports()) {
        ports.addAll(Ports.parse(p, line, conversion));
      }
      ctx.ports.addAll(ports);
      ctx.history("EXPOSE " + GoFormat.setAsMap(ports), false);
    } else if (ins instanceof Instruction.User u) {
      ctx.user = u.user();
      ctx.history("USER " + u.user(), false);
    } else if (ins instanceof Instruction.Volume v) {
      ctx.volumes.addAll(v.volumes());
      ctx.history("VOLUME " + GoFormat.list(v.volumes()), false);
    } else if (ins instanceof Instruction.StopSignal s) {
      if (!Signals.valid(s.signal())) {
        // BuildKit's dispatchStopSignal checks it with moby's signal.ParseSignal
        throw conversion.error(line, "Invalid signal: " + s.signal());
      }
      ctx.stopSignal = s.signal();
      ctx.history("STOPSIGNAL " + s.signal(), false);
    } else if (ins instanceof Instruction.Healthcheck h) {
      healthcheck(h);
    } else if (ins instanceof Instruction.Onbuild o) {
      // no history entry (BuildKit's dispatchOnbuild)
      ctx.onBuild.add(o.expression());
    } else if (ins instanceof Instruction.Shell s) {
      ctx.shell = s.shell();
      ctx.history("SHELL " + GoFormat.list(s.shell()), false);
    } else if (ins instanceof Instruction.Maintainer m) {
      ctx.author = m.name();
      ctx.history("MAINTAINER " + m.name(), false);
    } else {
      throw conversion.error(line, "FROM is only allowed at the start of a stage");
    }
  }

  private List<String> command(List<String> args, boolean prependShell) {
    if (!prependShell) {
      return List.copyOf(args);
    }
    List<String> out = new ArrayList<>(ctx.shellOrDefault());
    out.add(String.join(" ", args));
    return out;
  }

  /** WORKDIR: relative to the previous one; creates the directory like BuildKit's mkdir. */
  private void workdir(Instruction.Workdir w, String name) {
    // an absolute WORKDIR is kept as written (config, history, cwd), a relative one is joined and
    // cleaned (BuildKit's system.NormalizeWorkdir)
    String wd = w.path().startsWith("/") ? w.path() : Paths.resolve(ctx.cwd(), w.path());
    ctx.workdir = wd;
    boolean layer = false;
    String dir = Paths.clean(wd);
    if (!dir.equals("/")) {
      Owner owner = ctx.user == null || ctx.user.isEmpty() ? null : Owner.parse(ctx.user);
      ctx.fs = ctx.fs.file(FileStep.of(new FileAction.Mkdir(dir, 0755, true, owner))).named(name);
      layer = true;
    }
    ctx.history("WORKDIR " + wd, layer);
  }

  private void healthcheck(Instruction.Healthcheck h) {
    if (h.none()) {
      ctx.healthcheck =
          new ContainerConfig.HealthCheck(List.of("NONE"), null, null, null, null, null);
    } else {
      List<String> test = new ArrayList<>();
      if (h.test().prependShell()) {
        test.add("CMD-SHELL");
        test.add(String.join(" ", h.test().args()));
      } else {
        test.add("CMD");
        test.addAll(h.test().args());
      }
      ctx.healthcheck =
          new ContainerConfig.HealthCheck(
              test,
              nanos(h.interval()),
              nanos(h.timeout()),
              nanos(h.startPeriod()),
              nanos(h.startInterval()),
              h.retries());
    }
    // BuildKit: "HEALTHCHECK %q" of its HealthcheckConfig, a struct pointer
    ContainerConfig.HealthCheck hc = ctx.healthcheck;
    ctx.history(
        "HEALTHCHECK &{"
            + GoFormat.quoteList(hc.test())
            + " "
            + GoFormat.quote(GoFormat.duration(orZero(hc.interval())))
            + " "
            + GoFormat.quote(GoFormat.duration(orZero(hc.timeout())))
            + " "
            + GoFormat.quote(GoFormat.duration(orZero(hc.startPeriod())))
            + " "
            + GoFormat.quote(GoFormat.duration(orZero(hc.startInterval())))
            + " "
            + GoFormat.quoteRune(hc.retries() == null ? 0 : hc.retries())
            + "}",
        false);
  }

  private static long orZero(Long nanos) {
    return nanos == null ? 0 : nanos;
  }

  private static Long nanos(Duration d) {
    return d == null ? null : d.toNanos();
  }
}
