package dev.kiln.core.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The matcher against the behaviour moby/patternmatcher documents and tests (its {@code
 * TestMatches}, {@code TestMatch} and multi-pattern cases; cases written here), checked both with
 * the parent-testing form and with the walker form that passes each directory's result down.
 */
class PatternMatcherTest {

  static Stream<Arguments> single() {
    return Stream.of(
        // pattern, path, matched
        Arguments.of("**", "file", true),
        Arguments.of("**", "dir/file", true),
        Arguments.of("**/", "file", true),
        Arguments.of("**/**", "dir/file", true),
        Arguments.of("dir/**", "dir/file", true),
        Arguments.of("dir/**", "dir/dir2/file", true),
        Arguments.of("dir/**", "dir", false),
        Arguments.of("**/dir", "dir", true),
        Arguments.of("**/dir", "dir/file", true),
        Arguments.of("**/dir", "xdir", false),
        Arguments.of("**/dir2/*", "dir/dir2/file", true),
        Arguments.of("**/dir2/**", "dir/dir2/dir3/file", true),
        Arguments.of("**file", "file", true),
        Arguments.of("**file", "dir/dir/file", true),
        Arguments.of("**file", "myfile", true), // patternmatcher's suffix fast path
        Arguments.of("**/file*", "dir/dir/file.txt", true),
        Arguments.of("**/file*txt", "dir/dir/file.txt", true),
        Arguments.of("**/**/*.txt", "dir/dir/file.txt", true),
        Arguments.of("**/**/*.txt2", "dir/dir/file.txt", false),
        Arguments.of("**/*.txt", "file.txt", true),
        Arguments.of("**/**/*.txt", "file.txt", true),
        Arguments.of("a**/*.txt", "a/file.txt", true),
        Arguments.of("a**/*.txt", "a/dir/dir/file.txt", true),
        Arguments.of("a/*.txt", "a/dir/file.txt", false),
        Arguments.of("a/*.txt", "a/file.txt", true),
        Arguments.of("a/*.txt**", "a/file.txt", true),
        Arguments.of("a/**/b", "a/b", true),
        Arguments.of("a/**/b", "a/x/y/b", true),
        Arguments.of("a/**/b", "a/xb", false),
        Arguments.of("a[b-d]e", "ae", false),
        Arguments.of("a[b-d]e", "ace", true),
        Arguments.of("a[^b-d]e", "aze", true),
        Arguments.of("a[^b-d]e", "ace", false),
        Arguments.of(".*", ".foo", true),
        Arguments.of(".*", "foo", false),
        Arguments.of("abc.def", "abcdef", false),
        Arguments.of("abc.def", "abc.def", true),
        Arguments.of("abc?def", "abcZdef", true),
        Arguments.of("abc?def", "abcdef", false),
        Arguments.of("a\\\\", "a\\", true),
        Arguments.of("a\\*b", "a*b", true),
        Arguments.of("a\\*b", "ab", false),
        Arguments.of("a\\*b", "axb", false),
        Arguments.of("**/foo/bar", "foo/bar", true),
        Arguments.of("**/foo/bar", "dir/dir2/foo/bar", true),
        Arguments.of("abc/**", "abc", false),
        Arguments.of("abc/**", "abc/def/ghi", true),
        Arguments.of("**/.foo", ".foo", true),
        Arguments.of("**/.foo", "bar.foo", false),
        Arguments.of("a(b)c/def", "a(b)c/def", true),
        Arguments.of("a(b)c/def", "a(b)c/xyz", false),
        Arguments.of("a.|)$(}+{bc", "a.|)$(}+{bc", true),
        Arguments.of("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
        Arguments.of("*", "abc", true),
        Arguments.of("*", "a/b", true), // the parent "a" matches
        Arguments.of("*c", "abc", true),
        Arguments.of("a*/b", "abc/b", true),
        Arguments.of("a*/b", "a/c/b", false),
        Arguments.of("a*b*c*d*e*/f", "axbxcxdxe/f", true),
        Arguments.of("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
        Arguments.of("a*b?c*x", "abxbbxdbxebxczzx", true),
        Arguments.of("a*b?c*x", "abxbbxdbxebxczzy", false),
        Arguments.of("ab[^e-g]", "abc", true),
        Arguments.of("a?b", "a\u263ab", true),
        Arguments.of("a[^a]b", "a\u263ab", true),
        Arguments.of("a???b", "a\u263ab", false),
        Arguments.of("[a-\u03b6]*", "\u03b1", true),
        Arguments.of("*[a-\u03b6]", "A", false),
        Arguments.of("a?b", "a/b", false),
        Arguments.of("a*b", "a/b", false),
        Arguments.of("[\\]a]", "]", true),
        Arguments.of("[\\-]", "-", true),
        Arguments.of("[x\\-]", "-", true),
        Arguments.of("[x\\-]", "z", false),
        Arguments.of("[\\-x]", "x", true),
        Arguments.of("*x", "xxx", true),
        // written here
        Arguments.of("node_modules", "node_modules/x/y.js", true),
        Arguments.of("node_modules", "src/node_modules/x", false),
        Arguments.of("*/temp*", "somedir/temporary.txt", true),
        Arguments.of("*/temp*", "temp.txt", false),
        Arguments.of("temp?", "tempab", false),
        Arguments.of("*.md", "docs/a.md", false),
        Arguments.of("/abs/path", "abs/path", false), // only IgnoreFile drops a leading slash
        Arguments.of("./x/../y", "y", true),
        Arguments.of("x/./y/", "x/y", true),
        Arguments.of("dir/*", "dir/sub/file", true),
        Arguments.of("[a&&b]", "&", true), // Java's class intersection is not pattern syntax
        Arguments.of("a[[]b", "a[b", true),
        Arguments.of("**", "with\nnewline", true),
        Arguments.of("a/**/b", "a/x\ny/b", false), // Go's '.' does not match a newline
        Arguments.of("*", "with\nnewline", true),
        Arguments.of("a^b", "a^b", true), // exact: no regexp involved
        Arguments.of("a^*", "a^b", false)); // Go's regexp reads ^ as an anchor
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @MethodSource("single")
  void matches_onePattern_asPatternmatcher(String pattern, String path, boolean matched)
      throws Exception {
    PatternMatcher m = PatternMatcher.of(List.of(pattern));

    assertThat(m.matches(path)).isEqualTo(matched);
    assertThat(walked(m, path)).isEqualTo(matched);
  }

  static Stream<Arguments> several() {
    return Stream.of(
        Arguments.of(List.of("**", "!util/docker/web"), "util/docker/web/foo", false),
        Arguments.of(
            List.of("**", "!util/docker/web", "util/docker/web/foo"), "util/docker/web/foo", true),
        Arguments.of(List.of("**", "!dist/*.whl"), "dist/proxy.py-2.4.0rc3-any.whl", false),
        Arguments.of(List.of("!fileutils.go", "*.go"), "fileutils.go", true),
        Arguments.of(List.of("*.go", "!fileutils.go"), "fileutils.go", false),
        Arguments.of(List.of("docs", "!docs/README.md"), "docs/README.md", false),
        Arguments.of(List.of("docs/", "!docs/README.md"), "docs/README.md", false),
        Arguments.of(List.of("docs/*", "!docs/README.md"), "docs/README.md", false),
        Arguments.of(List.of("docs", "!docs/README.md"), "docs/other.md", true),
        Arguments.of(List.of("*", "!src"), "src", false),
        Arguments.of(List.of("*", "!src"), "src/main/App.java", false),
        Arguments.of(List.of("*", "!src"), "pom.xml", true),
        Arguments.of(List.of("*.md", "!README*.md", "README-secret.md"), "README.md", false),
        Arguments.of(List.of("*.md", "!README*.md", "README-secret.md"), "README-secret.md", true),
        Arguments.of(List.of("*.md", "!README*.md", "README-secret.md"), "CHANGES.md", true));
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @MethodSource("several")
  void matches_severalPatterns_lastMatchWins(List<String> patterns, String path, boolean matched)
      throws Exception {
    PatternMatcher m = PatternMatcher.of(patterns);

    assertThat(m.matches(path)).isEqualTo(matched);
    assertThat(walked(m, path)).isEqualTo(matched);
  }

  @Test
  void match_exceptionSkippedForTheParent_walkerAndParentTestDiffer() throws Exception {
    // For "a" nothing is matched yet, so the exception "!a" is not evaluated and not recorded;
    // the walker form then keeps "a/b/c" matched, while testing every parent un-matches it.
    PatternMatcher m = PatternMatcher.of(List.of("a/b", "!a"));

    assertThat(m.matches("a/b/c")).isFalse();
    assertThat(walked(m, "a/b/c")).isTrue();
  }

  static Stream<String> malformed() {
    return Stream.of(
        "[",
        "[^",
        "[^bc",
        "a[",
        "\\",
        "abc\\",
        "[]a]",
        "[-]",
        "[x-]",
        "[-x]",
        "[a-b-c]",
        "[z-a]",
        "[Local-Only]/",
        "!",
        " ! ",
        "!a[");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void of_malformedPattern_rejectedNamingIt(String pattern) {
    assertThatThrownBy(() -> PatternMatcher.of(List.of("ok", pattern)))
        .isInstanceOf(PatternException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .containsAnyOf(
                        "syntax error in pattern \"", "illegal exclusion pattern: \"!\""));
  }

  @Test
  void of_blankPatternsSkippedAndWhitespaceTrimmed() throws Exception {
    PatternMatcher m = PatternMatcher.of(List.of("docs", "", "  !docs/README.md  "));

    assertThat(m.hasExclusions()).isTrue();
    assertThat(m.matches("docs/README.md")).isFalse();
    assertThat(PatternMatcher.of(List.of()).matches("anything")).isFalse();
  }

  @Test
  void match_parentInfoFromOtherMatcher_rejected() throws Exception {
    PatternMatcher one = PatternMatcher.of(List.of("a"));
    PatternMatcher two = PatternMatcher.of(List.of("a", "b"));
    MatchInfo info = one.match("a", MatchInfo.none()).info();

    assertThatThrownBy(() -> two.match("a/x", info)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Matches {@code path} as a walker does: each parent directory first, passing its info down. */
  private static boolean walked(PatternMatcher m, String path) {
    MatchInfo info = MatchInfo.none();
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      info = m.match(path.substring(0, slash), info).info();
    }
    return m.match(path, info).matched();
  }
}
