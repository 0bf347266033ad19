package dev.kiln.core.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {

  @Test
  void match_star_matchesAnyRunIncludingDotFiles() {
    assertThat(Glob.match("*.txt", "a.txt")).isTrue();
    assertThat(Glob.match("*.txt", ".hidden.txt")).isTrue();
    assertThat(Glob.match("*.txt", "a.txt.bak")).isFalse();
    assertThat(Glob.match("*", "")).isTrue();
  }

  @Test
  void match_questionAndClasses_matchOneCharacter() {
    assertThat(Glob.match("a?c", "abc")).isTrue();
    assertThat(Glob.match("a?c", "ac")).isFalse();
    assertThat(Glob.match("[a-c]x", "bx")).isTrue();
    assertThat(Glob.match("[a-c]x", "dx")).isFalse();
    assertThat(Glob.match("[^a-c]x", "dx")).isTrue();
    assertThat(Glob.match("[^a-c]x", "ax")).isFalse();
    assertThat(Glob.match("[.$]", "$")).isTrue();
  }

  @Test
  void match_escapesAndRegexCharacters_areLiteral() {
    assertThat(Glob.match("a\\*b", "a*b")).isTrue();
    assertThat(Glob.match("a\\*b", "axb")).isFalse();
    assertThat(Glob.match("a.b(c)+", "a.b(c)+")).isTrue();
    assertThat(Glob.match("a.b", "axb")).isFalse();
    assertThat(Glob.match("é*", "été")).isTrue();
  }

  @Test
  void match_javaGlobSyntax_isLiteralAsInGo() {
    assertThat(Glob.match("{a,b}.txt", "a.txt")).isFalse();
    assertThat(Glob.match("{a,b}.txt", "{a,b}.txt")).isTrue();
    assertThat(Glob.match("[!a]", "b")).isFalse();
    assertThat(Glob.match("[!a]", "!")).isTrue();
  }

  @Test
  void compile_malformedPattern_fails() {
    for (String bad : new String[] {"[", "[]", "[a-", "a\\", "[z-a]", "[-a]"}) {
      assertThatThrownBy(() -> Glob.compile(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("malformed wildcard pattern");
    }
  }

  @Test
  void hasMeta_detectsPatternCharacters() {
    assertThat(Glob.hasMeta("plain/name.txt")).isFalse();
    assertThat(Glob.hasMeta("a*")).isTrue();
    assertThat(Glob.hasMeta("a?")).isTrue();
    assertThat(Glob.hasMeta("[a]")).isTrue();
  }
}
