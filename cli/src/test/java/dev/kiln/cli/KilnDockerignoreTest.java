package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .dockerignore} end to end through {@code kiln build} (FROM scratch, local output, no
 * registry or runc): Docker's pattern rules for the context transfer, COPY wildcards and the
 * context's cache key, and the errors for malformed patterns.
 */
class KilnDockerignoreTest {

  /** The context of every test; a path ending in "/" is a directory. */
  static final List<String> TREE =
      List.of(
          "README.md",
          "README-secret.md",
          "CHANGES.md",
          "x",
          "x.log",
          "a/b/f",
          "a/x/b/f",
          "a/keep",
          "build/out.jar",
          "build/keep/me.txt",
          "deep/x/y",
          "docs/README.md",
          "docs/guide.md",
          "node_modules/dep/index.js",
          "src/main/App.java",
          "src/x.log",
          "empty/");

  @TempDir Path tmp;
  Path context;

  @BeforeEach
  void createContext() throws IOException {
    context = tmp.resolve("ctx");
    write(context, TREE);
  }

  static void write(Path context, List<String> tree) throws IOException {
    for (String rel : tree) {
      Path p = context.resolve(rel);
      if (rel.endsWith("/")) {
        Files.createDirectories(p);
      } else {
        Files.createDirectories(p.getParent());
        Files.writeString(p, rel + "\n");
      }
    }
  }

  private Kiln.Run build(String dockerfile, String dockerignore, String out) throws IOException {
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    if (dockerignore != null) {
      Files.writeString(context.resolve(".dockerignore"), dockerignore);
    }
    return Kiln.run(
        tmp,
        Map.of(),
        "build",
        "--root=" + tmp.resolve("root"),
        "--progress=plain",
        "-o",
        "type=local,dest=" + tmp.resolve(out),
        context.toString());
  }

  /** Builds {@code COPY . /ctx/} and returns the sorted paths below /ctx (directories with "/"). */
  private List<String> copied(String dockerignore) throws IOException {
    Kiln.Run r = build("FROM scratch\nCOPY . /ctx/\n", dockerignore, "fs");
    assertThat(r.exitCode()).as(r.err()).isZero();
    return paths(tmp.resolve("fs/ctx"));
  }

  static List<String> paths(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p) + (Files.isDirectory(p) ? "/" : ""))
          .sorted()
          .toList();
    }
  }

  @Test
  void build_starThenNotSrc_sendsOnlySrc() throws Exception {
    assertThat(copied("*\n!src\n"))
        .containsExactly("src/", "src/main/", "src/main/App.java", "src/x.log");
  }

  @Test
  void build_doubleStar_matchesTopLevelAndZeroDirectories() throws Exception {
    assertThat(copied("**/x\na/**/b\n"))
        .doesNotContain("x", "deep/x/", "deep/x/y", "a/b/", "a/b/f", "a/x/")
        .contains("x.log", "a/", "a/keep", "deep/");
  }

  @Test
  void build_lastMatchingLineWins() throws Exception {
    assertThat(copied("*.md\n!README*.md\nREADME-secret.md\n"))
        .contains("README.md", "docs/README.md")
        .doesNotContain("README-secret.md", "CHANGES.md");
  }

  @Test
  void build_exceptionBelowExcludedDirectory_sendsItWithItsParentsOnly() throws Exception {
    Files.setAttribute(context.resolve("build"), "unix:mode", 0750);

    List<String> paths = copied("build\n!build/keep/me.txt\n*.log\n!src/x.log\n");

    assertThat(paths)
        .contains("build/", "build/keep/", "build/keep/me.txt", "src/x.log")
        .doesNotContain("build/out.jar", "x.log");
    assertThat(Files.getAttribute(tmp.resolve("fs/ctx/build"), "unix:mode")).isEqualTo(040750);
  }

  /**
   * A wildcard exception makes BuildKit walk every excluded directory (tonistiigi/fsutil since
   * December 2021); dockerd 20.10's older client pruned them, so this case has no docker peer.
   */
  @Test
  void build_wildcardException_reincludesBelowExcludedDirectories() throws Exception {
    assertThat(copied("*\n!**/*.md\n"))
        .containsExactly(
            "CHANGES.md",
            "README-secret.md",
            "README.md",
            "docs/",
            "docs/README.md",
            "docs/guide.md");
  }

  @Test
  void build_copyWildcard_doesNotSeeIgnoredFiles() throws Exception {
    Kiln.Run r = build("FROM scratch\nCOPY *.md /w/\n", "README-*.md\n", "fs");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(paths(tmp.resolve("fs/w"))).containsExactly("CHANGES.md", "README.md");
  }

  @Test
  void build_copyOfIgnoredFile_failsAsNotFound() throws Exception {
    Kiln.Run r = build("FROM scratch\nCOPY build/out.jar /\n", "build\n", "fs");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("build/out.jar");
  }

  @Test
  void build_ignoredFileChanged_contextStaysCached_reincludedFileChanged_rebuilds()
      throws Exception {
    String dockerfile = "FROM scratch\nCOPY . /ctx/\n";
    String ignore = "*\n!src\n";
    assertThat(build(dockerfile, ignore, "one").exitCode()).isZero();

    Files.writeString(context.resolve("README.md"), "changed, ignored\n");
    Files.writeString(context.resolve("build/new.txt"), "new, ignored\n");
    Kiln.Run cached = build(dockerfile, ignore, "two");
    Files.writeString(context.resolve("src/main/App.java"), "changed, sent\n");
    Kiln.Run rebuilt = build(dockerfile, ignore, "three");

    assertThat(cached.exitCode()).as(cached.err()).isZero();
    assertThat(cached.steps()).containsEntry("[internal] load build context", "CACHED");
    assertThat(cached.executed()).isEmpty();
    assertThat(rebuilt.exitCode()).as(rebuilt.err()).isZero();
    assertThat(rebuilt.executed()).contains("[2/2] COPY . /ctx/");
    assertThat(tmp.resolve("three/ctx/src/main/App.java")).hasContent("changed, sent");
  }

  @Test
  void build_loneExclamation_errorNamesFileAndLine() throws Exception {
    Kiln.Run r = build("FROM scratch\nCOPY . /\n", "# keep\nbuild\n  !  \n", "fs");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors())
        .singleElement()
        .asString()
        .contains(context.resolve(".dockerignore") + ":3: illegal exclusion pattern: \"!\"");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void build_badPatternSyntax_errorNamesFileLineAndPattern() throws Exception {
    Kiln.Run r = build("FROM scratch\nCOPY . /\n", "ok\n!src/[ab\n", "fs");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors())
        .singleElement()
        .asString()
        .contains(context.resolve(".dockerignore") + ":2: syntax error in pattern \"!src/[ab\"");
  }
}
