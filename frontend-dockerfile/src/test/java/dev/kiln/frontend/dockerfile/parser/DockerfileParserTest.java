package dev.kiln.frontend.dockerfile.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {
  private static ParseResult parse(String text) throws DockerfileParseException {
    return DockerfileParser.parse("Dockerfile", text);
  }

  @Test
  void parse_continuationsWithCommentAndEmptyLines_joinsAndWarns() throws Exception {
    ParseResult r =
        parse(
            "FROM busybox\n"
                + "RUN echo a \\\n"
                + "# a comment inside\n"
                + "    && echo b \\\n"
                + "\n"
                + "    && echo c\n"
                + "CMD x\n");
    assertThat(r.nodes()).hasSize(3);
    Node run = r.nodes().get(1);
    assertThat(run.keyword()).isEqualTo("run");
    assertThat(run.original()).isEqualTo("RUN echo a     && echo b     && echo c");
    assertThat(run.args()).containsExactly("echo a     && echo b     && echo c");
    assertThat(run.startLine()).isEqualTo(2);
    assertThat(run.endLine()).isEqualTo(6);
    assertThat(r.nodes().get(2).startLine()).isEqualTo(7);
    assertThat(r.warnings())
        .singleElement()
        .asString()
        .contains("Dockerfile:2: empty continuation");
  }

  @Test
  void parse_commentsAndCrlf_keptAsPreviousComments() throws Exception {
    ParseResult r = parse("# first\r\n  # second\r\nFROM a\r\n\r\n#\r\nRUN b\r\n");
    assertThat(r.nodes().get(0).comments()).containsExactly("first", "second");
    assertThat(r.nodes().get(0).args()).containsExactly("a");
    assertThat(r.nodes().get(1).comments()).isEmpty();
    assertThat(r.nodes().get(1).startLine()).isEqualTo(6);
  }

  @Test
  void parse_directives_caseInsensitiveAndEscapeApplied() throws Exception {
    ParseResult r =
        parse(
            "# syntax=docker/dockerfile:1.7\n# ESCAPE = `\n# check=skip=all\nFROM x\nRUN a `\n b\n");
    assertThat(r.directives().syntax()).contains("docker/dockerfile:1.7");
    assertThat(r.directives().check()).contains("skip=all");
    assertThat(r.escapeToken()).isEqualTo('`');
    assertThat(r.nodes().get(1).args()).containsExactly("a  b");
  }

  @Test
  void parse_directiveAfterInstructionOrBlankLine_isAComment() throws Exception {
    assertThat(parse("FROM x\n# escape=`\nRUN a `\n").escapeToken()).isEqualTo('\\');
    assertThat(parse("\n# escape=`\nFROM x\n").escapeToken()).isEqualTo('\\');
    assertThat(parse("# hello\n# escape=`\nFROM x\n").escapeToken()).isEqualTo('\\');
    assertThat(parse("# unknown=1\n# escape=`\nFROM x\n").escapeToken()).isEqualTo('\\');
  }

  @Test
  void parse_duplicateDirective_errorWithLine() {
    assertThatThrownBy(() -> parse("# escape=\\\n# Escape=`\nFROM x\n"))
        .isInstanceOf(DockerfileParseException.class)
        .hasMessage("Dockerfile:2: only one escape parser directive can be used (remove this one)");
  }

  @Test
  void parse_invalidEscape_error() {
    assertThatThrownBy(() -> parse("# escape=x\nFROM x\n"))
        .hasMessageStartingWith("Dockerfile:1: invalid escape token 'x'");
  }

  @Test
  void parse_jsonAndShellForms_asDocker() throws Exception {
    ParseResult r =
        parse(
            "FROM x\nCMD [\"a\", \"b c\"]\nENTRYPOINT []\nRUN [\"a\", 'b']\nCMD [\"\\u0041\\n\"]\n"
                + "VOLUME /a /b\nVOLUME [\"/c\"]\n");
    assertThat(r.nodes().get(1).json()).isTrue();
    assertThat(r.nodes().get(1).args()).containsExactly("a", "b c");
    assertThat(r.nodes().get(2).json()).isTrue();
    assertThat(r.nodes().get(2).args()).isEmpty();
    assertThat(r.nodes().get(3).json()).isFalse();
    assertThat(r.nodes().get(3).args()).containsExactly("[\"a\", 'b']");
    assertThat(r.nodes().get(4).args()).containsExactly("A\n");
    assertThat(r.nodes().get(5).args()).containsExactly("/a", "/b");
    assertThat(r.nodes().get(6).args()).containsExactly("/c");
  }

  @Test
  void parse_jsonWithNonStrings_errorWithLine() {
    assertThatThrownBy(() -> parse("FROM x\n\nRUN [\"echo\", 1]\n"))
        .hasMessage(
            "Dockerfile:3: when using JSON array syntax, arrays must be comprised of strings only");
  }

  @Test
  void parse_flags_quotesRemovedAndStopAtFirstArgument() throws Exception {
    Node n =
        parse("FROM x\nCOPY --from=build --chmod=\"755\" --link src --notflag /d/\n")
            .nodes()
            .get(1);
    assertThat(n.flags()).containsExactly("--from=build", "--chmod=755", "--link");
    assertThat(n.args()).containsExactly("src", "--notflag", "/d/");
  }

  @Test
  void parse_envAndLabel_keyValueTriples() throws Exception {
    ParseResult r =
        parse("FROM x\nENV A=1 B=\"two words\" C=a\\ b\nENV LEGACY some value\nLABEL \"k\"=v\n");
    assertThat(r.nodes().get(1).args())
        .containsExactly("A", "1", "=", "B", "\"two words\"", "=", "C", "a\\ b", "=");
    assertThat(r.nodes().get(2).args()).containsExactly("LEGACY", "some value", "");
    assertThat(r.nodes().get(3).args()).containsExactly("\"k\"", "v", "=");
  }

  @Test
  void parse_envWithoutValue_error() {
    assertThatThrownBy(() -> parse("FROM x\nENV A\n"))
        .hasMessageStartingWith("Dockerfile:2: ENV must have two arguments");
    assertThatThrownBy(() -> parse("FROM x\nENV A=1 B\n"))
        .hasMessageContaining("can't find = in \"B\"");
  }

  @Test
  void parse_heredocs_bodiesLinesAndFlags() throws Exception {
    ParseResult r =
        parse(
            "FROM x\n"
                + "RUN <<EOF\n"
                + "echo $HOME\n"
                + "EOF\n"
                + "COPY <<-EOT /dest\n"
                + "\ttabbed\n"
                + "\t\tEOT\n"
                + "RUN <<'A' cat && 3<<\"B\" cat && <<C cat\n"
                + "$X\n"
                + "A\n"
                + "$Y\n"
                + "B\n"
                + "C\n"
                + "CMD done\n");
    Node run = r.nodes().get(1);
    assertThat(run.heredocs()).containsExactly(new Heredoc("EOF", "echo $HOME\n", true, false, 0));
    assertThat(run.endLine()).isEqualTo(4);
    Node copy = r.nodes().get(2);
    assertThat(copy.heredocs()).containsExactly(new Heredoc("EOT", "\ttabbed\n", true, true, 0));
    assertThat(copy.heredocs().get(0).data()).isEqualTo("tabbed\n");
    assertThat(copy.args()).containsExactly("<<-EOT", "/dest");
    Node multi = r.nodes().get(3);
    assertThat(multi.heredocs())
        .containsExactly(
            new Heredoc("A", "$X\n", false, false, 0),
            new Heredoc("B", "$Y\n", false, false, 3),
            new Heredoc("C", "", true, false, 0));
    assertThat(multi.startLine()).isEqualTo(8);
    assertThat(multi.endLine()).isEqualTo(13);
    assertThat(r.nodes().get(4).startLine()).isEqualTo(14);
  }

  @Test
  void parse_heredocInJsonFormOrOtherInstruction_notRead() throws Exception {
    ParseResult r = parse("FROM x\nRUN [\"echo\", \"<<EOF\"]\nLABEL a=<<EOF\nCMD [\"x\"]\n");
    assertThat(r.nodes()).hasSize(4);
    assertThat(r.nodes().get(1).heredocs()).isEmpty();
  }

  @Test
  void parse_quotedHeredocMarkerInShell_notAHeredoc() throws Exception {
    ParseResult r = parse("FROM x\nRUN echo \"<<EOF\"\nCMD y\n");
    assertThat(r.nodes()).hasSize(3);
  }

  @Test
  void parse_unterminatedHeredoc_errorAtInstructionLine() {
    assertThatThrownBy(() -> parse("FROM x\nRUN <<EOF\necho\n"))
        .hasMessageStartingWith("Dockerfile:2: unterminated heredoc EOF");
  }

  @Test
  void parse_onbuild_childNodeWithHeredoc() throws Exception {
    ParseResult r = parse("FROM x\nONBUILD RUN <<EOF\nhi\nEOF\n");
    Node n = r.nodes().get(1);
    assertThat(n.onbuildChild()).isPresent();
    assertThat(n.child().keyword()).isEqualTo("run");
    assertThat(n.child().heredocs()).hasSize(1);
    assertThat(n.endLine()).isEqualTo(4);
  }

  @Test
  void parse_healthcheck_typeThenCommand() throws Exception {
    Node n = parse("FROM x\nHEALTHCHECK --interval=5s CMD [\"curl\", \"-f\"]\n").nodes().get(1);
    assertThat(n.flags()).containsExactly("--interval=5s");
    assertThat(n.args()).containsExactly("CMD", "curl", "-f");
    assertThat(n.json()).isTrue();
  }

  @Test
  void parse_noInstructions_error() {
    assertThatThrownBy(() -> parse("# only a comment\n\n"))
        .hasMessage("Dockerfile: file with no instructions (add at least a FROM instruction)");
  }

  @Test
  void parse_bomAndLowercaseKeywords_accepted() throws Exception {
    ParseResult r = parse("\uFEFFfrom x\nrun y\n");
    assertThat(r.nodes()).extracting(Node::keyword).isEqualTo(List.of("from", "run"));
  }

  @Test
  void parse_escapedEscapeAtLineEnd_isNoContinuation() throws Exception {
    ParseResult r = parse("FROM x\nRUN echo a\\\\\nRUN echo b \\\\  \nRUN c \\\n  d\n");

    assertThat(r.nodes()).extracting(Node::keyword).containsExactly("from", "run", "run", "run");
    assertThat(r.nodes().get(1).args()).containsExactly("echo a\\\\");
    assertThat(r.nodes().get(2).args()).containsExactly("echo b \\\\");
    assertThat(r.nodes().get(3).args()).containsExactly("c   d");
  }

  @Test
  void parse_escapedBacktickAtLineEnd_isNoContinuation() throws Exception {
    ParseResult r = parse("# escape=`\nFROM x\nRUN echo a``\nRUN echo b `\n  c\n");

    assertThat(r.nodes()).hasSize(3);
    assertThat(r.nodes().get(1).args()).containsExactly("echo a``");
    assertThat(r.nodes().get(2).args()).containsExactly("echo b   c");
  }

  @Test
  void parse_continuationAtEndOfFile_lineEndsThere() throws Exception {
    ParseResult r = parse("FROM x\nRUN echo \\");
    assertThat(r.nodes().get(1).args()).containsExactly("echo");
  }
}
