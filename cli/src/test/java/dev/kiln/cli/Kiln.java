package dev.kiln.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the CLI in this JVM and parses its plain progress, for tests. */
final class Kiln {

  /** The outcome of one run: exit code, both streams, and each step's final state by name. */
  record Run(int exitCode, String out, String err) {
    private static final Pattern LINE = Pattern.compile("^#(\\d+) (.*)$");

    /** Step name → CACHED, DONE or ERROR, from {@code --progress=plain} output. */
    Map<String, String> steps() {
      Map<String, String> names = new HashMap<>();
      Map<String, String> states = new LinkedHashMap<>();
      for (String line : err.split("\n")) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
          continue;
        }
        String n = m.group(1);
        String rest = m.group(2);
        if (!names.containsKey(n)) {
          names.put(n, rest);
          continue;
        }
        String name = names.get(n);
        if (rest.equals("CACHED")) {
          states.put(name, "CACHED");
        } else if (rest.startsWith("DONE ")) {
          states.put(name, "DONE");
        } else if (rest.startsWith("ERROR")) {
          states.put(name, "ERROR");
        }
      }
      return states;
    }

    /** The names of steps that ran (DONE), without kiln's internal steps and exports. */
    List<String> executed() {
      return steps().entrySet().stream()
          .filter(e -> e.getValue().equals("DONE"))
          .map(Map.Entry::getKey)
          .filter(n -> !n.startsWith("[internal] load build definition"))
          .filter(n -> !n.startsWith("[internal] load metadata"))
          .filter(n -> !n.startsWith("exporting to"))
          .filter(n -> !isCacheStep(n))
          .toList();
    }

    /**
     * The steps of a cache import or export (their names as buildx shows them), and the download of
     * an imported cache's blob.
     */
    static boolean isCacheStep(String name) {
      return name.startsWith("importing cache manifest from ")
          || name.startsWith("downloading sha256:")
          || name.startsWith("exporting cache to ")
          || name.equals("preparing build cache for export")
          || name.startsWith("writing layer sha256:")
          || name.startsWith("writing config sha256:")
          || name.startsWith("writing manifest sha256:");
    }

    /** The Dockerfile steps ({@code [stage n/m] …}) and their final states. */
    Map<String, String> dockerfileSteps() {
      Map<String, String> out = new LinkedHashMap<>();
      steps()
          .forEach(
              (name, state) -> {
                if (name.matches("^\\[[^\\]]+ \\d+/\\d+\\] .*")) {
                  out.put(name, state);
                }
              });
      return out;
    }

    /** The error lines ({@code ERROR: …}) on standard error. */
    List<String> errors() {
      return err.lines().filter(l -> l.startsWith("ERROR: ")).toList();
    }
  }

  private Kiln() {}

  /** Runs {@code kiln args…} with {@code env} and the working directory {@code cwd}. */
  static Run run(Path cwd, Map<String, String> env, String... args) {
    return runWithStdin(cwd, env, new byte[0], args);
  }

  /** Runs {@code kiln args…} with {@code stdin} as standard input. */
  static Run runWithStdin(Path cwd, Map<String, String> env, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("HOME", cwd.toString());
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code =
          Main.run(
              new Invocation(all, cwd, o, e, false, new java.io.ByteArrayInputStream(stdin)), args);
    }
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
