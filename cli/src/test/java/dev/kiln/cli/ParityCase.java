package dev.kiln.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One case of the Dockerfile parity corpus, read from a txtar-style file ({@code
 * src/test/resources/parity/*.txtar}): a header of {@code # comment} and {@code key: value} lines,
 * then sections that each start with a {@code -- name --} line.
 *
 * <pre>
 * # what the case shows; where the expectation comes from (e.g. BuildKit's test name)
 * compare: docker            docker (build also with dockerd's builder and compare) or expect
 * args: --build-arg A=1      extra flags for both builders, split at blanks
 * history: docker            also compare the history with docker's (when dockerd 20.10 agrees)
 * ignore: PATH…              paths (and what is under them) left out of the comparison with
 *                            docker, where dockerd 20.10's older BuildKit is known to differ;
 *                            the header comment says why
 * -- Dockerfile --
 * ARG BASE
 * FROM ${BASE}
 * -- context/dir/file --     a file of the build context
 * -- dir/name/file --        a file outside the context, under the case's directory, which
 *                            {dir} in args names (e.g. args: --build-context base={dir}/base);
 *                            {base} in args is the base image's reference
 * -- http/path --            a file served at {http}/path by a server on 127.0.0.1 ({http} in
 *                            args; pass it as a build arg for ADD URLs)
 * -- expect/path/in/image -- expected content of a regular file of the result
 * -- expect-stat --          lines "path type mode uid:gid", e.g. "app/x file 0644 0:0"
 * -- expect-absent --        paths that must not exist in the result
 * -- expect-env --           the image config's Env, exactly, one entry per line
 * -- expect-history --       created_by of the history entries the Dockerfile added, one per line
 * -- expect-error --         a text the build's error line must contain (the build must fail)
 * </pre>
 *
 * Every Dockerfile gets {@code --build-arg BASE=<busybox base image>}. In {@code expect-history} a
 * created_by with line breaks is written with {@code \n}.
 *
 * @param name the file name without {@code .txtar}
 * @param docker true to compare with dockerd's builder
 * @param dockerHistory true to compare the history with docker's too
 * @param ignored paths left out of the comparison with docker
 * @param args the extra build flags
 * @param sections section name → content, in file order
 */
record ParityCase(
    String name,
    boolean docker,
    boolean dockerHistory,
    List<String> ignored,
    List<String> args,
    Map<String, String> sections) {

  static ParityCase read(Path file) throws IOException {
    String name = file.getFileName().toString().replaceAll("\\.txtar$", "");
    List<String> lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1));
    Boolean docker = null;
    boolean dockerHistory = false;
    List<String> args = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    Map<String, String> sections = new LinkedHashMap<>();
    String section = null;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean last = i == lines.size() - 1;
      if (line.startsWith("-- ") && line.endsWith(" --") && line.length() > 6) {
        if (section != null) {
          sections.put(section, body.toString());
        }
        section = line.substring(3, line.length() - 3).strip();
        body.setLength(0);
      } else if (section != null) {
        if (!(last && line.isEmpty())) {
          body.append(line).append('\n');
        }
      } else if (line.startsWith("compare:")) {
        String v = line.substring("compare:".length()).strip();
        if (!v.equals("docker") && !v.equals("expect")) {
          throw new IOException(file + ": compare must be docker or expect, not " + v);
        }
        docker = v.equals("docker");
      } else if (line.strip().equals("history: docker")) {
        dockerHistory = true;
      } else if (line.startsWith("ignore:")) {
        for (String p : line.substring("ignore:".length()).strip().split("\\s+")) {
          if (!p.isEmpty()) {
            ignored.add(p);
          }
        }
      } else if (line.startsWith("args:")) {
        for (String a : line.substring("args:".length()).strip().split("\\s+")) {
          if (!a.isEmpty()) {
            args.add(a);
          }
        }
      } else if (!line.isBlank() && !line.startsWith("#")) {
        throw new IOException(file + ": unexpected header line: " + line);
      }
    }
    if (section != null) {
      sections.put(section, body.toString());
    }
    if (docker == null) {
      throw new IOException(file + ": no 'compare: docker|expect' line");
    }
    if (!sections.containsKey("Dockerfile")) {
      throw new IOException(file + ": no '-- Dockerfile --' section");
    }
    if (dockerHistory && !docker) {
      throw new IOException(file + ": history: docker needs compare: docker");
    }
    return new ParityCase(
        name, docker, dockerHistory, List.copyOf(ignored), List.copyOf(args), sections);
  }

  /** The sections whose name starts with {@code prefix}, keyed by the rest of the name. */
  Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    sections.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  /** The non-empty lines of section {@code name}, or an empty list. */
  List<String> lines(String name) {
    String s = sections.get(name);
    if (s == null) {
      return List.of();
    }
    return s.lines().filter(l -> !l.isEmpty()).toList();
  }

  /**
   * Writes the Dockerfile and the context files into {@code caseDir}/ctx and the {@code dir/} files
   * under {@code caseDir}; returns the context directory.
   */
  Path write(Path caseDir) throws IOException {
    Path context = caseDir.resolve("ctx");
    Files.createDirectories(context);
    Files.writeString(context.resolve("Dockerfile"), sections.get("Dockerfile"));
    write(context, withPrefix("context/"));
    write(caseDir, withPrefix("dir/"));
    return context;
  }

  private static void write(Path base, Map<String, String> files) throws IOException {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = base.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
  }

  /**
   * The extra build flags with {@code {dir}} replaced by {@code caseDir} and {@code {base}} by the
   * base image's reference and {@code {http}} by {@code http} (the case's URL prefix).
   */
  List<String> args(Path caseDir, String base, String http) {
    return args.stream()
        .map(
            a ->
                a.replace("{dir}", caseDir.toString())
                    .replace("{base}", base)
                    .replace("{http}", http))
        .toList();
  }
}
