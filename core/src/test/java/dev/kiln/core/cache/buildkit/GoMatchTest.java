package dev.kiln.core.cache.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Cases from Go's path.Match documentation and tests. */
class GoMatchTest {

  @Test
  void match_goCases() {
    assertThat(GoMatch.match("abc", "abc")).isTrue();
    assertThat(GoMatch.match("*", "abc")).isTrue();
    assertThat(GoMatch.match("*c", "abc")).isTrue();
    assertThat(GoMatch.match("a*", "a")).isTrue();
    assertThat(GoMatch.match("a*", "abc")).isTrue();
    assertThat(GoMatch.match("a*", "ab/c")).isFalse();
    assertThat(GoMatch.match("a*/b", "abc/b")).isTrue();
    assertThat(GoMatch.match("a*/b", "a/c/b")).isFalse();
    assertThat(GoMatch.match("a*b*c*d*e*/f", "axbxcxdxe/f")).isTrue();
    assertThat(GoMatch.match("a*b*c*d*e*/f", "axbxcxdxexxx/f")).isTrue();
    assertThat(GoMatch.match("a*b*c*d*e*/f", "axbxcxdxe/xxx/f")).isFalse();
    assertThat(GoMatch.match("ab[c]", "abc")).isTrue();
    assertThat(GoMatch.match("ab[b-d]", "abc")).isTrue();
    assertThat(GoMatch.match("ab[e-g]", "abc")).isFalse();
    assertThat(GoMatch.match("ab[^c]", "abc")).isFalse();
    assertThat(GoMatch.match("ab[^e-g]", "abc")).isTrue();
    assertThat(GoMatch.match("a\\*b", "a*b")).isTrue();
    assertThat(GoMatch.match("a\\*b", "ab")).isFalse();
    assertThat(GoMatch.match("a?b", "a☺b")).isTrue();
    assertThat(GoMatch.match("a?b", "a/b")).isFalse();
    assertThat(GoMatch.match("/*.md", "/c.md")).isTrue();
    assertThat(GoMatch.match("/*.md", "/dir/c.md")).isFalse();
    assertThat(GoMatch.match("/opt/tools/*.txt", "/opt/tools")).isFalse();
  }

  @Test
  void match_badPatterns_throw() {
    assertThatThrownBy(() -> GoMatch.match("[", "a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoMatch.match("a[", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoMatch.match("[-]", "-"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoMatch.match("\\", "a")).isInstanceOf(IllegalArgumentException.class);
  }
}
