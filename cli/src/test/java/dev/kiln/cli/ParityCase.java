package dev.kiln.cli;

import dev.kiln.testsupport.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * -- context-link/path --    a symbolic link in the context; the section's first line is its target
 * -- context-dir/path --     an empty directory in the context (the section is empty)
 * -- context-tar/a.tar.gz/p -- file p inside the archive a.tar.gz of the context (.tar, .tar.gz,
 *                            .tgz, .tar.bz2, .tar.xz: made by tar, compressed by its suffix)
 * -- context-tar-link/a.tar/p -- a symbolic link p in that archive; the first line is its target
 * -- context-mode --         lines "path mode" (octal), applied to context files or directories
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
    for (String dir : withPrefix("context-dir/").keySet()) {
      Files.createDirectories(context.resolve(dir));
    }
    for (Map.Entry<String, String> l : withPrefix("context-link/").entrySet()) {
      Path link = context.resolve(l.getKey());
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Path.of(l.getValue().strip()));
    }
    writeArchives(caseDir, context);
    for (String line : lines("context-mode")) {
      String[] f = line.split(" ");
      Files.setPosixFilePermissions(
          context.resolve(f[0]), PosixFilePermissions.fromString(permissions(f[1])));
    }
    return context;
  }

  /** rwx letters of an octal mode such as 0750 (permission bits only). */
  private static String permissions(String octal) {
    int mode = Integer.parseInt(octal, 8);
    StringBuilder out = new StringBuilder();
    for (int shift = 6; shift >= 0; shift -= 3) {
      int bits = (mode >> shift) & 7;
      out.append((bits & 4) != 0 ? 'r' : '-')
          .append((bits & 2) != 0 ? 'w' : '-')
          .append((bits & 1) != 0 ? 'x' : '-');
    }
    return out.toString();
  }

  /**
   * Makes the {@code context-tar/} archives (with the {@code context-tar-link/} symbolic links)
   * with tar, compressed by their suffix.
   */
  private void writeArchives(Path caseDir, Path context) throws IOException {
    Map<String, Map<String, String>> files = byArchive("context-tar/");
    Map<String, Map<String, String>> links = byArchive("context-tar-link/");
    Set<String> names = new LinkedHashSet<>(files.keySet());
    names.addAll(links.keySet());
    for (String archive : names) {
      Path src = caseDir.resolve("archive-src").resolve(archive);
      Map<String, String> content = files.getOrDefault(archive, Map.of());
      Map<String, String> linked = links.getOrDefault(archive, Map.of());
      write(src, content);
      for (Map.Entry<String, String> l : linked.entrySet()) {
        Path link = src.resolve(l.getKey());
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(l.getValue().strip()));
      }
      Path dest = context.resolve(archive);
      Files.createDirectories(dest.getParent());
      List<String> cmd = new ArrayList<>(List.of("tar", "--auto-compress", "-cf", dest.toString()));
      cmd.addAll(List.of("--owner=0", "--group=0", "-C", src.toString()));
      Set<String> top = new TreeSet<>();
      content.keySet().forEach(k -> top.add(k.split("/")[0]));
      linked.keySet().forEach(k -> top.add(k.split("/")[0]));
      cmd.addAll(top);
      if (archive.endsWith(".tgz")) {
        cmd.set(1, "-z");
      }
      ProcessRunner.of(cmd).run().assertSuccess();
    }
  }

  /** The sections under {@code prefix} by archive name, then path inside it. */
  private Map<String, Map<String, String>> byArchive(String prefix) throws IOException {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> f : withPrefix(prefix).entrySet()) {
      Matcher m = ARCHIVE.matcher(f.getKey());
      if (!m.matches()) {
        throw new IOException(name + ": no archive name in " + prefix + f.getKey());
      }
      out.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>()).put(m.group(2), f.getValue());
    }
    return out;
  }

  private static final Pattern ARCHIVE =
      Pattern.compile("(.*?\\.(?:tar|tgz|tar\\.gz|tar\\.bz2|tar\\.xz))/(.+)");

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
