package dev.kiln.frontend.dockerfile.instructions;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.instructions.Flags.Kind;
import dev.kiln.frontend.dockerfile.instructions.Instruction.CommandLine;
import dev.kiln.frontend.dockerfile.instructions.Instruction.KeyValue;
import dev.kiln.frontend.dockerfile.instructions.Instruction.Location;
import dev.kiln.frontend.dockerfile.parser.Heredoc;
import dev.kiln.frontend.dockerfile.parser.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a parsed {@link Node} into a typed {@link Instruction}, checking argument counts, forms and
 * flags as Docker does. Values are not expanded here. Stateless and thread-safe.
 */
public final class InstructionParser {
  static final List<String> KEYWORDS =
      List.of(
          "ADD",
          "ARG",
          "CMD",
          "COPY",
          "ENTRYPOINT",
          "ENV",
          "EXPOSE",
          "FROM",
          "HEALTHCHECK",
          "LABEL",
          "MAINTAINER",
          "ONBUILD",
          "RUN",
          "SHELL",
          "STOPSIGNAL",
          "USER",
          "VOLUME",
          "WORKDIR");
  private static final Pattern STAGE_NAME = Pattern.compile("^[a-z][a-z0-9-_.]*$");
  private static final Pattern ONBUILD_PREFIX = Pattern.compile("(?i)^\\s*ONBUILD\\s*");

  private InstructionParser() {}

  /**
   * Parses one node.
   *
   * @param fileName the input's name for messages
   * @param node the node
   * @return the typed instruction
   * @throws DockerfileParseException for an unknown instruction, bad flags or arguments
   */
  public static Instruction parse(String fileName, Node node) throws DockerfileParseException {
    try {
      return parse(node);
    } catch (InstructionFailure e) {
      throw new DockerfileParseException(fileName, node.startLine(), e.getMessage());
    }
  }

  static Instruction parse(Node node) throws InstructionFailure {
    Location loc = new Location(node.startLine(), node.endLine(), node.original());
    String kw = node.keyword().toUpperCase(Locale.ROOT);
    List<String> args = node.args();
    switch (node.keyword()) {
      case "from" -> {
        Flags f = Flags.parse(kw, node.flags(), Map.of("platform", Kind.STRING));
        if (args.size() != 1 && args.size() != 3) {
          throw new InstructionFailure(
              "FROM requires either one or three arguments (FROM image [AS name])");
        }
        String name = null;
        if (args.size() == 3) {
          if (!args.get(1).equalsIgnoreCase("as")) {
            throw new InstructionFailure("expected 'AS', got '" + args.get(1) + "' in FROM");
          }
          name = args.get(2).toLowerCase(Locale.ROOT);
          if (!STAGE_NAME.matcher(name).matches()) {
            throw new InstructionFailure(
                "invalid name for build stage: \""
                    + args.get(2)
                    + "\", name can't start with a number or contain symbols");
          }
        }
        return new Instruction.From(loc, args.get(0), name, f.string("platform"));
      }
      case "arg" -> {
        noFlags(kw, node);
        atLeast(kw, args, 1);
        List<KeyValue> kvs = new ArrayList<>();
        for (String a : args) {
          int eq = a.indexOf('=');
          String key = eq < 0 ? a : a.substring(0, eq);
          if (key.isEmpty()) {
            throw new InstructionFailure("ARG names can not be blank");
          }
          kvs.add(new KeyValue(key, eq < 0 ? null : a.substring(eq + 1)));
        }
        return new Instruction.Arg(loc, kvs);
      }
      case "env", "label" -> {
        noFlags(kw, node);
        atLeast(kw, args, 1);
        List<KeyValue> kvs = new ArrayList<>();
        for (int i = 0; i + 2 < args.size(); i += 3) {
          if (args.get(i).isEmpty()) {
            throw new InstructionFailure(kw + " names can not be blank");
          }
          kvs.add(new KeyValue(args.get(i), args.get(i + 1)));
        }
        return kw.equals("ENV") ? new Instruction.Env(loc, kvs) : new Instruction.Label(loc, kvs);
      }
      case "workdir" -> {
        noFlags(kw, node);
        exactlyOne(kw, args);
        return new Instruction.Workdir(loc, args.get(0));
      }
      case "copy" -> {
        Flags f =
            Flags.parse(
                kw,
                node.flags(),
                Map.of(
                    "from", Kind.STRING,
                    "chown", Kind.STRING,
                    "chmod", Kind.STRING,
                    "link", Kind.BOOL,
                    "parents", Kind.BOOL,
                    "exclude", Kind.LIST));
        SourcesAndDest sd = sourcesAndDest(kw, node);
        return new Instruction.Copy(
            loc,
            sd.sources,
            sd.dest,
            sd.contents,
            f.string("from"),
            f.string("chown"),
            f.string("chmod"),
            f.bool("link"),
            f.bool("parents"),
            f.list("exclude"));
      }
      case "add" -> {
        Flags f =
            Flags.parse(
                kw,
                node.flags(),
                Map.of(
                    "chown", Kind.STRING,
                    "chmod", Kind.STRING,
                    "link", Kind.BOOL,
                    "keep-git-dir", Kind.BOOL,
                    "checksum", Kind.STRING,
                    "exclude", Kind.LIST));
        SourcesAndDest sd = sourcesAndDest(kw, node);
        return new Instruction.Add(
            loc,
            sd.sources,
            sd.dest,
            sd.contents,
            f.string("chown"),
            f.string("chmod"),
            f.bool("link"),
            f.bool("keep-git-dir"),
            f.string("checksum"),
            f.list("exclude"));
      }
      case "run" -> {
        Flags f =
            Flags.parse(
                kw,
                node.flags(),
                Map.of("mount", Kind.LIST, "network", Kind.STRING, "security", Kind.STRING));
        CommandLine cmd = command(kw, node, true);
        List<Mount> mounts = new ArrayList<>();
        for (String m : f.list("mount")) {
          mounts.add(Mounts.parse(m));
        }
        String network = f.string("network");
        if (network != null && !List.of("default", "none", "host").contains(network)) {
          throw new InstructionFailure(
              "unsupported network mode \"" + network + "\" (use default, none or host)");
        }
        String security = f.string("security");
        if (security != null && !List.of("sandbox", "insecure").contains(security)) {
          throw new InstructionFailure(
              "unsupported security mode \"" + security + "\" (use sandbox or insecure)");
        }
        return new Instruction.Run(loc, cmd, mounts, network, security);
      }
      case "cmd" -> {
        noFlags(kw, node);
        return new Instruction.Cmd(loc, command(kw, node, !node.json()));
      }
      case "entrypoint" -> {
        noFlags(kw, node);
        return new Instruction.Entrypoint(loc, command(kw, node, !node.json()));
      }
      case "expose" -> {
        noFlags(kw, node);
        atLeast(kw, args, 1);
        return new Instruction.Expose(loc, args);
      }
      case "user" -> {
        noFlags(kw, node);
        exactlyOne(kw, args);
        return new Instruction.User(loc, args.get(0));
      }
      case "volume" -> {
        noFlags(kw, node);
        atLeast(kw, args, 1);
        for (String v : args) {
          if (v.isBlank()) {
            throw new InstructionFailure("VOLUME specified can not be an empty string");
          }
        }
        return new Instruction.Volume(loc, args);
      }
      case "stopsignal" -> {
        noFlags(kw, node);
        exactlyOne(kw, args);
        return new Instruction.StopSignal(loc, args.get(0));
      }
      case "healthcheck" -> {
        return Healthchecks.parse(loc, node);
      }
      case "onbuild" -> {
        noFlags(kw, node);
        Node child =
            node.onbuildChild()
                .orElseThrow(
                    () -> new InstructionFailure("ONBUILD requires at least one argument"));
        String trigger = child.keyword().toUpperCase(Locale.ROOT);
        if (trigger.equals("ONBUILD")) {
          throw new InstructionFailure("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        }
        if (trigger.equals("FROM") || trigger.equals("MAINTAINER")) {
          throw new InstructionFailure(trigger + " isn't allowed as an ONBUILD trigger");
        }
        StringBuilder expression =
            new StringBuilder(ONBUILD_PREFIX.matcher(node.original()).replaceFirst("").strip());
        // as BuildKit: the trigger stored in the image carries its here-documents' bodies, so
        // that the stage built FROM this image can parse it again
        for (Heredoc h : child.heredocs()) {
          expression.append('\n').append(h.content()).append(h.name());
        }
        return new Instruction.Onbuild(loc, expression.toString(), parse(child));
      }
      case "shell" -> {
        noFlags(kw, node);
        if (!node.json()) {
          throw new InstructionFailure(
              "SHELL requires the arguments to be in JSON form (SHELL [\"/bin/sh\", \"-c\"])");
        }
        atLeast(kw, args, 1);
        return new Instruction.Shell(loc, args);
      }
      case "maintainer" -> {
        noFlags(kw, node);
        exactlyOne(kw, args);
        return new Instruction.Maintainer(loc, args.get(0));
      }
      default -> throw new InstructionFailure(unknown(node.keyword()));
    }
  }

  private static String unknown(String keyword) {
    String upper = keyword.toUpperCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : KEYWORDS) {
      int d = levenshtein(upper, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    String message = "unknown instruction: " + upper;
    return bestDistance <= 2 ? message + " (did you mean " + best + "?)" : message;
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static void noFlags(String kw, Node node) throws InstructionFailure {
    Flags.parse(kw, node.flags(), Map.of());
  }

  private static void atLeast(String kw, List<String> args, int n) throws InstructionFailure {
    if (args.size() < n) {
      throw new InstructionFailure(kw + " requires at least one argument");
    }
  }

  private static void exactlyOne(String kw, List<String> args) throws InstructionFailure {
    if (args.size() != 1) {
      throw new InstructionFailure(kw + " requires exactly one argument");
    }
  }

  private static CommandLine command(String kw, Node node, boolean prependShell)
      throws InstructionFailure {
    if (node.args().isEmpty() && !node.json()) {
      throw new InstructionFailure(kw + " requires at least one argument");
    }
    return new CommandLine(node.args(), prependShell && !node.json(), node.heredocs());
  }

  private record SourcesAndDest(List<String> sources, String dest, List<Heredoc> contents) {}

  private static SourcesAndDest sourcesAndDest(String kw, Node node) throws InstructionFailure {
    List<String> args = node.args();
    if (args.size() < 2) {
      throw new InstructionFailure(
          kw
              + " requires at least two arguments, but only "
              + (args.isEmpty() ? "none were" : "one was")
              + " provided. Destination could not be determined.");
    }
    String dest = args.get(args.size() - 1);
    if (Heredoc.opener(dest).isPresent()) {
      throw new InstructionFailure(kw + " cannot accept a heredoc as a destination");
    }
    // as BuildKit's parseSourcesAndDest: a source that opens a here-document takes the body of the
    // here-document of that name (the last one if the name repeats); its own <<- decides the tab
    // stripping. The content of such a source is its data (already stripped, which data() keeps).
    Map<String, Heredoc> byName = new HashMap<>();
    node.heredocs().forEach(h -> byName.put(h.name(), h));
    List<String> sources = new ArrayList<>();
    List<Heredoc> contents = new ArrayList<>();
    for (String src : args.subList(0, args.size() - 1)) {
      Optional<Heredoc> opener = Heredoc.opener(src);
      if (opener.isPresent()) {
        Heredoc h = opener.get();
        Heredoc body = byName.get(h.name());
        contents.add(h.withContent(h.withContent(body == null ? "" : body.content()).data()));
      } else {
        sources.add(src);
      }
    }
    return new SourcesAndDest(sources, dest, contents);
  }
}
