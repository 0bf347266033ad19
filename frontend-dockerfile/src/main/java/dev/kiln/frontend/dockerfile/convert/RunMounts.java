package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.Owner;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.frontend.dockerfile.DockerfileParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code RUN --mount} options of one RUN, after expansion, as BuildKit's {@code parseMount}
 * (with its expander) checks them and {@code dispatchRunMounts}, {@code dispatchSecret} and {@code
 * dispatchSSH} turn them into exec mounts. Confined to the converting thread.
 */
final class RunMounts {
  private static final Set<String> TYPES = Set.of("bind", "cache", "tmpfs", "secret", "ssh");
  private static final Set<String> SHARING = Set.of("shared", "private", "locked");
  private static final Pattern RAM =
      Pattern.compile("^(\\d+(\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

  /** Where an SSH mount without a target puts the socket (BuildKit's {@code ssh_agent.N}). */
  static final String SSH_TARGET = "/run/buildkit/ssh_agent.";

  private final Conversion conversion;
  private final RunDispatch dispatch;
  private final StageContext ctx;
  private final int line;
  private int sshCount;
  private String firstSshTarget;

  RunMounts(Conversion conversion, RunDispatch dispatch, StageContext ctx, int line) {
    this.conversion = conversion;
    this.dispatch = dispatch;
    this.ctx = ctx;
    this.line = line;
  }

  /** The target of the first SSH mount (for {@code SSH_AUTH_SOCK}), or null. */
  String firstSshTarget() {
    return firstSshTarget;
  }

  Run add(Run run, dev.kiln.frontend.dockerfile.instructions.Mount m)
      throws DockerfileParseException {
    String type = m.type().toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw error("unsupported mount type \"" + m.type() + "\"");
    }
    Map<String, String> o = m.options();
    boolean ro = !type.equals("cache") && !type.equals("tmpfs");
    if (o.containsKey("readonly")) {
      ro = bool("readonly", o.get("readonly"));
    } else if (o.containsKey("readwrite")) {
      ro = !bool("readwrite", o.get("readwrite"));
    }
    boolean secretOrSsh = type.equals("secret") || type.equals("ssh");
    if (o.containsKey("required") && !secretOrSsh) {
      throw error("unexpected key 'required' for mount type '" + type + "'");
    }
    boolean required = o.containsKey("required") && bool("required", o.get("required"));
    if (o.containsKey("size") && !type.equals("tmpfs")) {
      throw error("unexpected key 'size' for mount type '" + type + "'");
    }
    if (o.containsKey("sharing") && !SHARING.contains(o.get("sharing").toLowerCase(Locale.ROOT))) {
      throw error("unsupported sharing value \"" + o.get("sharing") + "\"");
    }
    Long mode = number(o, "mode", 8);
    Long uid = number(o, "uid", 10);
    Long gid = number(o, "gid", 10);
    if (!secretOrSsh && !type.equals("cache")) {
      for (String k : List.of("mode", "uid", "gid")) {
        if (o.containsKey(k)) {
          throw error(k + " not allowed for \"" + type + "\" type mounts");
        }
      }
    }
    if (o.containsKey("env") && !type.equals("secret")) {
      throw error("unexpected key 'env' for mount type '" + type + "'");
    }
    if (o.containsKey("sharing") && !type.equals("cache")) {
      throw error("invalid cache sharing set for " + type + " mount");
    }
    String source = o.getOrDefault("source", "");
    String rawTarget = o.getOrDefault("target", "");
    return switch (type) {
      case "secret" -> secret(run, o, source, rawTarget, mode, uid, gid, required);
      case "ssh" -> ssh(run, o, source, rawTarget, mode, uid, gid, required);
      default -> {
        String target = target(rawTarget);
        if (type.equals("tmpfs")) {
          yield run.tmpfs(target, o.containsKey("size") ? ram(o.get("size")) : 0);
        }
        String selector = Paths.clean("/" + source);
        if (type.equals("bind")) {
          State from = dispatch.mountSource(o.get("from"), line);
          yield ro
              ? run.mount(target, from, selector, true)
              : run.mountDiscarding(target, from, selector);
        }
        yield cache(run, o, rawTarget, target, selector, ro, mode, uid, gid);
      }
    };
  }

  /** A relative target is under the working directory; {@code /} itself is refused. */
  private String target(String raw) throws DockerfileParseException {
    String target = Paths.resolve(ctx.cwd(), raw);
    if (target.equals("/")) {
      throw error("invalid mount target \"/\"");
    }
    return target;
  }

  private Run cache(
      Run run,
      Map<String, String> o,
      String rawTarget,
      String target,
      String selector,
      boolean ro,
      Long mode,
      Long uid,
      Long gid)
      throws DockerfileParseException {
    // BuildKit's default id is the target as written, cleaned (so the same relative target under
    // two working directories is one cache)
    String id = o.get("id");
    if (id == null || id.isEmpty()) {
      id = rawTarget.startsWith("/") ? Paths.clean(rawTarget) : cleanRelative(rawTarget);
    }
    Mount.CacheSharing sharing =
        Mount.CacheSharing.valueOf(o.getOrDefault("sharing", "shared").toUpperCase(Locale.ROOT));
    String from = o.get("from");
    State seed = from == null || from.isEmpty() ? null : dispatch.mountSource(from, line);
    String sel = selector;
    if (sel.equals("/") && (mode != null || uid != null || gid != null)) {
      // as BuildKit's setCacheUIDGID: a new cache starts as a directory with that owner and mode
      Owner owner = Owner.parse((uid == null ? 0 : uid) + ":" + (gid == null ? 0 : gid));
      State base = seed == null ? State.scratch() : seed;
      seed =
          base.file(
                  FileStep.of(
                      new FileAction.Mkdir(
                          "/cache", mode == null ? 0755 : mode.intValue(), false, owner)))
              .named("[internal] setting cache mount permissions");
      sel = "/cache";
    }
    return run.cache(target, id, sharing, seed, sel, ro);
  }

  private Run secret(
      Run run,
      Map<String, String> o,
      String source,
      String rawTarget,
      Long mode,
      Long uid,
      Long gid,
      boolean required)
      throws DockerfileParseException {
    String id = o.getOrDefault("id", "");
    if (o.containsKey("from")) {
      throw error("secret mount should not have a from");
    }
    if (source.isEmpty() && rawTarget.isEmpty() && id.isEmpty()) {
      throw error("invalid secret mount. one of source, target required");
    }
    if (!source.isEmpty() && !id.isEmpty()) {
      throw error("both source and id can't be set");
    }
    if (!source.isEmpty()) {
      id = source;
    }
    if (id.isEmpty()) {
      id = base(rawTarget);
    }
    String env = o.get("env");
    String target = rawTarget.isEmpty() ? null : target(rawTarget);
    if (env == null && target == null) {
      target = "/run/secrets/" + base(id);
    }
    Mount.Options options =
        Mount.Options.of(
            id,
            env,
            uid == null ? 0 : uid,
            gid == null ? 0 : gid,
            mode == null ? 0400 : mode.intValue(),
            !required);
    return run.secret(target, options);
  }

  private Run ssh(
      Run run,
      Map<String, String> o,
      String source,
      String rawTarget,
      Long mode,
      Long uid,
      Long gid,
      boolean required)
      throws DockerfileParseException {
    if (!source.isEmpty()) {
      throw error("ssh does not support source");
    }
    String id = o.getOrDefault("id", "");
    String target = rawTarget.isEmpty() ? SSH_TARGET + sshCount : target(rawTarget);
    sshCount++;
    if (firstSshTarget == null) {
      firstSshTarget = target;
    }
    Mount.Options options =
        Mount.Options.of(
            id.isEmpty() ? "default" : id,
            null,
            uid == null ? 0 : uid,
            gid == null ? 0 : gid,
            mode == null ? 0600 : mode.intValue(),
            !required);
    return run.ssh(target, options);
  }

  /** Go's {@code path.Base}. */
  private static String base(String p) {
    String s = p;
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    int slash = s.lastIndexOf('/');
    return slash < 0 || s.equals("/") ? s : s.substring(slash + 1);
  }

  /** Go's {@code path.Clean} of a relative path ({@code .} when it cleans to nothing). */
  private static String cleanRelative(String p) {
    String cleaned = Paths.clean("/" + p).substring(1);
    return cleaned.isEmpty() ? "." : cleaned;
  }

  /** Go's {@code strconv.ParseBool}. */
  private boolean bool(String key, String v) throws DockerfileParseException {
    return switch (v) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> throw error("invalid value for " + key + ": " + v);
    };
  }

  /** {@code strconv.ParseUint(v, base, 32)}, or null when the option is absent. */
  private Long number(Map<String, String> o, String key, int base) throws DockerfileParseException {
    String v = o.get(key);
    if (v == null) {
      return null;
    }
    try {
      long n = Long.parseLong(v, base);
      if (n < 0 || n > 0xFFFFFFFFL) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw error("invalid value " + v + " for " + key);
    }
  }

  /** go-units {@code RAMInBytes}: a number with an optional binary unit (k, m, g, t, p). */
  private long ram(String v) throws DockerfileParseException {
    Matcher matcher = RAM.matcher(v);
    if (!matcher.matches()) {
      throw error("invalid value for size: " + v);
    }
    double size = Double.parseDouble(matcher.group(1));
    String unit = matcher.group(3) == null ? "" : matcher.group(3).toLowerCase(Locale.ROOT);
    int shift =
        switch (unit) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          case "p" -> 50;
          default -> 0;
        };
    return (long) (size * Math.pow(2, shift));
  }

  private DockerfileParseException error(String detail) {
    return conversion.error(line, detail);
  }
}
