package dev.kiln.core.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.PathFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The context filter walked over an in-memory tree, as BuildKit's context transfer walks it: which
 * paths are sent, and which directories are pruned (never read) rather than walked.
 */
class ContextFilterTest {

  /** A tree of paths; a path ending in "/" is a directory. Sorted like a walker's output. */
  private static final List<String> TREE =
      List.of(
          ".git/",
          ".git/HEAD",
          "Dockerfile",
          "README.md",
          "build/",
          "build/out.jar",
          "build/keep/",
          "build/keep/me.txt",
          "docs/",
          "docs/README.md",
          "docs/guide.md",
          "node_modules/",
          "node_modules/dep/",
          "node_modules/dep/index.js",
          "src/",
          "src/main/",
          "src/main/App.java",
          "src/test/",
          "src/test/AppTest.java",
          "src/x.log",
          "x.log");

  /** The paths sent, and (as "pruned:dir") the directories not walked. */
  private static List<String> walk(PathFilter filter) {
    Map<String, Boolean> tree = new TreeMap<>();
    for (String p : TREE) {
      tree.put(p.endsWith("/") ? p.substring(0, p.length() - 1) : p, p.endsWith("/"));
    }
    List<String> out = new ArrayList<>();
    walk(tree, "", filter, new ArrayList<>(), out);
    return out;
  }

  private static void walk(
      Map<String, Boolean> tree,
      String prefix,
      PathFilter filter,
      List<String> pending,
      List<String> out) {
    for (Map.Entry<String, Boolean> e : tree.entrySet()) {
      String path = e.getKey();
      if (!path.startsWith(prefix) || path.indexOf('/', prefix.length()) >= 0) {
        continue;
      }
      boolean dir = e.getValue();
      PathFilter.Match m = filter.match(path, dir);
      if (dir && m.below() == null) {
        out.add("pruned:" + path);
        continue;
      }
      if (m.included()) {
        out.addAll(pending);
        pending.clear();
        out.add(path);
      } else if (dir) {
        pending.add(path);
      }
      if (dir) {
        walk(tree, path + "/", m.below(), pending, out);
        pending.remove(path); // still pending: nothing below it was sent
      }
    }
  }

  private static PathFilter exclude(String... patterns) throws PatternException {
    return ContextFilter.of(List.of(), List.of(patterns));
  }

  @Test
  void of_noPatterns_everything() throws Exception {
    assertThat(ContextFilter.of(List.of(), List.of())).isSameAs(PathFilter.ALL);
  }

  @Test
  void walk_starThenNotSrc_sendsSrcOnlyAndPrunesTheRest() throws Exception {
    assertThat(walk(exclude("*", "!src")))
        .containsExactly(
            "pruned:.git",
            "pruned:build",
            "pruned:docs",
            "pruned:node_modules",
            "src",
            "src/main",
            "src/main/App.java",
            "src/test",
            "src/test/AppTest.java",
            "src/x.log");
  }

  @Test
  void walk_exceptionBelowExcludedDirectory_sendsItWithItsParents() throws Exception {
    assertThat(walk(exclude("build", "!build/keep/me.txt", "**/*.log", ".git")))
        .containsExactly(
            "pruned:.git",
            "Dockerfile",
            "README.md",
            "build",
            "build/keep",
            "build/keep/me.txt",
            "docs",
            "docs/README.md",
            "docs/guide.md",
            "node_modules",
            "node_modules/dep",
            "node_modules/dep/index.js",
            "src",
            "src/main",
            "src/main/App.java",
            "src/test",
            "src/test/AppTest.java");
  }

  @Test
  void walk_wildcardException_walksExcludedDirectoriesAndSendsOnlyMatchesWithParents()
      throws Exception {
    assertThat(walk(exclude("*", "!**/*.md")))
        .containsExactly("README.md", "docs", "docs/README.md", "docs/guide.md");
  }

  @Test
  void walk_lastMatchWins_reexcludedAfterException() throws Exception {
    assertThat(walk(exclude("docs", "!docs", "docs/guide.md")))
        .contains("docs", "docs/README.md")
        .doesNotContain("docs/guide.md");
  }

  @Test
  void walk_doubleStarMatchesTopLevelAndEmptyMiddle() throws Exception {
    assertThat(walk(exclude("**/x.log", "src/**/App.java", "src/**/*Test.java")))
        .doesNotContain("x.log", "src/x.log", "src/main/App.java", "src/test/AppTest.java")
        .contains("src/main", "src/test", "README.md");
    assertThat(walk(exclude("src/**/main"))).doesNotContain("src/main", "src/main/App.java");
  }

  @Test
  void walk_includePatterns_onlyMatchesAndTheirParents() throws Exception {
    PathFilter f = ContextFilter.of(List.of("src/main", "docs"), List.of("docs/guide.md"));

    assertThat(walk(f))
        .containsExactly(
            "pruned:.git",
            "pruned:build",
            "docs",
            "docs/README.md",
            "pruned:node_modules",
            "src",
            "src/main",
            "src/main/App.java",
            "pruned:src/test");
  }

  @Test
  void walk_wildcardInclude_walksEverythingSendsMatches() throws Exception {
    PathFilter f = ContextFilter.of(List.of("**/*.java"), List.of());

    assertThat(walk(f))
        .containsExactly(
            "src", "src/main", "src/main/App.java", "src/test", "src/test/AppTest.java");
  }

  @Test
  void of_malformedPattern_namesTheList() {
    assertThatThrownBy(() -> exclude("ok", "!"))
        .isInstanceOf(PatternException.class)
        .hasMessageStartingWith("invalid exclude pattern: illegal exclusion pattern");
    assertThatThrownBy(() -> ContextFilter.of(List.of("a["), List.of()))
        .hasMessageContaining("invalid include pattern")
        .hasMessageContaining("\"a[\"");
  }
}
