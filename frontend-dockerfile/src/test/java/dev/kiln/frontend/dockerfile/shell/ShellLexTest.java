package dev.kiln.frontend.dockerfile.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShellLexTest {
  private static final Map<String, String> ENV =
      Map.of(
          "PWD", "/home",
          "NULL", "",
          "KOREAN", "한국어",
          "SPACED", "x  y",
          "V", "a/b/c",
          "FILE", "archive.tar.gz",
          "1", "one");
  private static final ShellLex LEX = ShellLex.of('\\');

  static Stream<Arguments> words() {
    return Stream.of(
        Arguments.of("hello", "hello"),
        Arguments.of("he'll'o", "hello"),
        Arguments.of("he\\'llo", "he'llo"),
        Arguments.of("abc\\", "abc"),
        Arguments.of("\"hello\"", "hello"),
        Arguments.of("\"hel\\\"lo\"", "hel\"lo"),
        Arguments.of("\"hel\\alo\"", "hel\\alo"),
        Arguments.of("\"a\\\\b\"", "a\\b"),
        Arguments.of("'hello\\'", "hello\\"),
        Arguments.of("'a\"b'", "a\"b"),
        Arguments.of("\"a'b\"", "a'b"),
        Arguments.of("a  b", "a  b"),
        Arguments.of("$PWD", "/home"),
        Arguments.of("${PWD}", "/home"),
        Arguments.of("\\$PWD", "$PWD"),
        Arguments.of("'$PWD'", "$PWD"),
        Arguments.of("\"$PWD\"", "/home"),
        Arguments.of("\"\\$PWD\"", "$PWD"),
        Arguments.of("$PWD/x", "/home/x"),
        Arguments.of("${PWD}x", "/homex"),
        Arguments.of("$PWDx", ""),
        Arguments.of("$", "$"),
        Arguments.of("a$", "a$"),
        Arguments.of("$/x", "$/x"),
        Arguments.of("$1", "one"),
        Arguments.of("$?", ""),
        Arguments.of("${KOREAN}", "한국어"),
        Arguments.of("${UNSET:-def}", "def"),
        Arguments.of("${NULL:-def}", "def"),
        Arguments.of("${NULL-def}", ""),
        Arguments.of("${UNSET-def}", "def"),
        Arguments.of("${PWD:-def}", "/home"),
        Arguments.of("${UNSET:-$PWD/x}", "/home/x"),
        Arguments.of("${UNSET:-'a b'}", "a b"),
        Arguments.of("${PWD:+alt}", "alt"),
        Arguments.of("${NULL:+alt}", ""),
        Arguments.of("${NULL+alt}", "alt"),
        Arguments.of("${UNSET+alt}", ""),
        Arguments.of("${NULL?}", ""),
        Arguments.of("${PWD:?}", "/home"),
        Arguments.of("${PWD#/h}", "ome"),
        Arguments.of("${V#*/}", "b/c"),
        Arguments.of("${V##*/}", "c"),
        Arguments.of("${V%/*}", "a/b"),
        Arguments.of("${V%%/*}", "a"),
        Arguments.of("${FILE%.*}", "archive.tar"),
        Arguments.of("${FILE%%.*}", "archive"),
        Arguments.of("${FILE#?}", "rchive.tar.gz"),
        Arguments.of("${V/b/X}", "a/X/c"),
        Arguments.of("${V//\\//-}", "a-b-c"),
        Arguments.of("${V/\\//}", "ab/c"),
        Arguments.of("${UNSET/a/b}", ""));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("words")
  void processWord_dockerLexerCases_expandAsDocker(String in, String expected) throws Exception {
    assertThat(LEX.processWord(in, ENV)).isEqualTo(expected);
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("he'llo", "matching single-quote"),
        Arguments.of("he\\\\'llo", "matching single-quote"),
        Arguments.of("\"abc", "matching double-quote"),
        Arguments.of("${", "missing '}'"),
        Arguments.of("${}", "bad substitution"),
        Arguments.of("${:x}", "bad substitution"),
        Arguments.of("${{x}", "bad substitution"),
        Arguments.of("${PWD", "missing '}'"),
        Arguments.of("${PWD:-x", "missing '}'"),
        Arguments.of("${PWD^x}", "unsupported modifier (^)"),
        Arguments.of("${PWD:x}", "unsupported modifier (:x)"),
        Arguments.of("${UNSET:?}", "UNSET: is not allowed to be unset"),
        Arguments.of("${UNSET?}", "UNSET: is not allowed to be unset"),
        Arguments.of("${NULL:?}", "NULL: is not allowed to be empty"),
        Arguments.of("${UNSET:?set it with --build-arg}", "UNSET: set it with --build-arg"),
        Arguments.of("${V/x}", "missing '/' in ${}"),
        Arguments.of("${V#\\a}", "invalid escape"));
  }

  @ParameterizedTest(name = "{0} fails with {1}")
  @MethodSource("errors")
  void processWord_malformedOrRequired_throwsNamingWord(String in, String message) {
    assertThatThrownBy(() -> LEX.processWord(in, ENV))
        .isInstanceOf(ShellExpansionException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("failed to process \"" + in + "\"");
  }

  static Stream<Arguments> splits() {
    return Stream.of(
        Arguments.of("a b  c", List.of("a", "b", "c")),
        Arguments.of("  a  ", List.of("a")),
        Arguments.of("\"a b\" c", List.of("a b", "c")),
        Arguments.of("'a b'c d", List.of("a bc", "d")),
        Arguments.of("$SPACED", List.of("x", "y")),
        Arguments.of("\"$SPACED\"", List.of("x  y")),
        Arguments.of("a\\ b", List.of("a b")),
        Arguments.of("pre$SPACED", List.of("prex", "y")),
        Arguments.of("\"\"", List.of()),
        Arguments.of("a\"\"b", List.of("ab")),
        Arguments.of("", List.of()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("splits")
  void processWords_quotesAndExpansion_splitAsDocker(String in, List<String> expected)
      throws Exception {
    assertThat(LEX.processWords(in, ENV)).isEqualTo(expected);
  }

  @Test
  void processWord_backtickEscape_backslashIsLiteral() throws Exception {
    ShellLex lex = ShellLex.of('`');
    assertThat(lex.processWord("C:\\path\\$PWD", ENV)).isEqualTo("C:\\path\\/home");
    assertThat(lex.processWord("he`'llo", ENV)).isEqualTo("he'llo");
    assertThat(lex.processWord("`$PWD", ENV)).isEqualTo("$PWD");
    assertThat(lex.processWord("\"a`\"b\"", ENV)).isEqualTo("a\"b");
  }

  @Test
  void processWord_rawQuotesAndEscapes_keepsThem() throws Exception {
    ShellLex lex = LEX.withRawQuotes(true).withRawEscapes(true);
    assertThat(lex.processWord("'a' \"$PWD\" \\$x", ENV)).isEqualTo("'a' \"/home\" \\$x");
  }

  @Test
  void processWord_skipUnsetEnv_keepsReferences() throws Exception {
    ShellLex lex = LEX.withSkipUnsetEnv(true);
    assertThat(lex.processWord("$UNSET ${UNSET} ${UNSET:-x} $PWD", ENV))
        .isEqualTo("$UNSET ${UNSET} ${UNSET:-x} /home");
  }

  @Test
  void processWord_skipProcessQuotes_treatsQuotesLiterally() throws Exception {
    assertThat(LEX.withSkipProcessQuotes(true).processWord("'$PWD'", ENV)).isEqualTo("'/home'");
  }

  @Test
  void process_reportsMatchedAndUnmatchedNames() throws Exception {
    ExpansionResult r = LEX.process("$PWD ${NOPE:-x} $NULL", ENV);
    assertThat(r.matched()).containsExactlyInAnyOrder("PWD", "NULL");
    assertThat(r.unmatched()).containsExactly("NOPE");
    assertThat(r.result()).isEqualTo("/home x ");
  }

  @Test
  void of_otherEscapeCharacter_rejected() {
    assertThatThrownBy(() -> ShellLex.of('^')).isInstanceOf(IllegalArgumentException.class);
  }
}
