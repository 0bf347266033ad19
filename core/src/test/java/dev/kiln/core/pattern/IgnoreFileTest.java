package dev.kiln.core.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class IgnoreFileTest {

  @Test
  void read_commentsTrimmingCleaningAndLeadingSlash_asIgnorefileReadAll() throws Exception {
    assertThat(
            IgnoreFile.read(
                "\uFEFF# comment\n  spaced  \n #notcomment\n\n!  /keep/../kept\n/\r\n"
                    + "\u00a0nbsp\u00a0\n./a/./b/\n/abs\n**/x/\n"))
        .containsExactly("spaced", "#notcomment", "!kept", "/", "nbsp", "a/b", "abs", "**/x");
  }

  @Test
  void read_emptyText_noPatterns() throws Exception {
    assertThat(IgnoreFile.read("")).isEmpty();
    assertThat(IgnoreFile.read("\n# only a comment\n   \n")).isEmpty();
  }

  @Test
  void read_loneExclamation_errorNamesTheLine() {
    PatternException e =
        catchThrowableOfType(PatternException.class, () -> IgnoreFile.read("a\n# c\n\n  !  \nb\n"));

    assertThat(e.line()).isEqualTo(4);
    assertThat(e.detail()).startsWith("illegal exclusion pattern: \"!\"");
    assertThat(e.getMessage()).startsWith("line 4: ");
  }

  @Test
  void read_badSyntax_errorNamesTheLineAndPattern() {
    PatternException e =
        catchThrowableOfType(PatternException.class, () -> IgnoreFile.read("ok\r\n!src/[ab\r\n"));

    assertThat(e.line()).isEqualTo(2);
    assertThat(e.detail()).contains("\"!src/[ab\"");
  }
}
