package dev.kiln.frontend.dockerfile.dockerignore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PatternMatcherTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        // pattern, path, excluded
        Arguments.of("*/temp*", "somedir/temporary.txt", true),
        Arguments.of("*/temp*", "somedir/temp", true),
        Arguments.of("*/temp*", "temp.txt", false),
        Arguments.of("*/*/temp*", "a/b/temp1", true),
        Arguments.of("*/*/temp*", "a/temp1", false),
        Arguments.of("temp?", "tempa", true),
        Arguments.of("temp?", "tempab", false),
        Arguments.of("temp?", "temp/", false),
        Arguments.of("**/*.go", "a.go", true),
        Arguments.of("**/*.go", "a/b/c.go", true),
        Arguments.of("**/*.go", "a/b/c.gox", false),
        Arguments.of("**/foo", "foo", true),
        Arguments.of("**/foo", "x/y/foo", true),
        Arguments.of("**/foo", "xfoo", false),
        Arguments.of("**/foo", "foo/bar", true),
        Arguments.of("**", "anything/at/all", true),
        Arguments.of("foo/**", "foo/bar", true),
        Arguments.of("foo/**", "foo/a/b", true),
        Arguments.of("foo/**", "foo", false),
        Arguments.of("foo/**/bar", "foo/bar", true),
        Arguments.of("foo/**/bar", "foo/x/y/bar", true),
        Arguments.of("node_modules", "node_modules/x/y.js", true),
        Arguments.of("node_modules", "src/node_modules/x", false),
        Arguments.of("a/b", "a/b/c/d", true),
        Arguments.of("a/b", "a/bc", false),
        Arguments.of("[a-c]x", "bx", true),
        Arguments.of("[a-c]x", "dx", false),
        Arguments.of("[^a]x", "bx", true),
        Arguments.of("[^a]x", "ax", false),
        Arguments.of("*.md", "docs/a.md", false),
        Arguments.of("*.md", "a.md", true),
        Arguments.of("a.b", "axb", false),
        Arguments.of("a+(b)", "a+(b)", true),
        Arguments.of("/abs/path", "abs/path", true),
        Arguments.of("./x/../y", "y", true),
        Arguments.of("x/./y/", "x/y", true),
        Arguments.of("dir/*", "dir/file", true),
        Arguments.of("dir/*", "dir/sub/file", true),
        Arguments.of("dir/*", "dir", false),
        Arguments.of("*", "anything", true),
        Arguments.of("?", "ab", false));
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @MethodSource("cases")
  void matches_dockerPatternSemantics(String pattern, String path, boolean excluded)
      throws Exception {
    PatternMatcher m = Dockerignore.parse(pattern + "\n");
    assertThat(m.matches(path)).isEqualTo(excluded);
  }

  @Test
  void matches_exceptions_lastMatchWins() throws Exception {
    PatternMatcher m = Dockerignore.parse("*.md\n!README*.md\nREADME-secret.md\n");
    assertThat(m.matches("CHANGES.md")).isTrue();
    assertThat(m.matches("README.md")).isFalse();
    assertThat(m.matches("README-x.md")).isFalse();
    assertThat(m.matches("README-secret.md")).isTrue();
    assertThat(m.hasExclusions()).isTrue();
  }

  @Test
  void readPatterns_commentsTrimmingAndCleaning() {
    assertThat(
            Dockerignore.readPatterns(
                "\uFEFF# comment\n  spaced  \n #notcomment\n\n!  /keep/../kept\n/\r\n"))
        .containsExactly("spaced", "#notcomment", "!kept", "/");
  }

  @Test
  void of_malformedPatterns_rejectedWithPatternNamed() {
    assertThatThrownBy(() -> Dockerignore.parse("[a\n"))
        .isInstanceOf(DockerignoreException.class)
        .hasMessageContaining("\"[a\"");
    assertThatThrownBy(() -> Dockerignore.parse("abc\\\n"))
        .isInstanceOf(DockerignoreException.class);
    assertThatThrownBy(() -> Dockerignore.parse("!\n"))
        .hasMessageStartingWith("illegal exclusion pattern: \"!\"");
  }

  @Test
  void match_withParentInfo_walkerReincludesException() throws Exception {
    PatternMatcher m = Dockerignore.parse("vendor\n!vendor/keep\n");
    PatternMatcher.Result dir = m.match("vendor", MatchInfo.none());
    assertThat(dir.excluded()).isTrue();
    assertThat(m.canSkipDirectory("vendor")).isFalse();
    assertThat(m.match("vendor/keep", dir.info()).excluded()).isFalse();
    assertThat(m.match("vendor/other", dir.info()).excluded()).isTrue();
    assertThat(m.match("vendor/keep", MatchInfo.none()).excluded()).isFalse();
  }

  @Test
  void canSkipDirectory_noRelevantException_true() throws Exception {
    assertThat(Dockerignore.parse("build\n").canSkipDirectory("build")).isTrue();
    assertThat(Dockerignore.parse("build\n!src/keep\n").canSkipDirectory("build")).isTrue();
    assertThat(Dockerignore.parse("build\n!**/*.keep\n").canSkipDirectory("build")).isFalse();
  }

  @Test
  void match_parentInfoFromOtherMatcher_rejected() throws Exception {
    PatternMatcher one = PatternMatcher.of(List.of("a"));
    PatternMatcher two = PatternMatcher.of(List.of("a", "b"));
    MatchInfo info = one.match("a", MatchInfo.none()).info();
    assertThatThrownBy(() -> two.match("a/x", info)).isInstanceOf(IllegalArgumentException.class);
  }
}
