package dev.kiln.frontend.dockerfile.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Here-document parsing against the expectations of BuildKit's {@code parser_heredoc_test.go}
 * (current BuildKit, including dockerfile 1.16's blanks after {@code <<}).
 */
class HeredocParseTest {

  private static List<Heredoc> docs(String instruction) throws Exception {
    ParseResult r = DockerfileParser.parse("Dockerfile", "FROM x\n" + instruction + "\n");
    assertThat(r.nodes()).as(instruction).hasSize(2);
    return r.nodes().get(1).heredocs();
  }

  private static Heredoc doc(String name, String content, boolean expand) {
    return new Heredoc(name, content, expand, false, 0);
  }

  @Test
  void parse_emptyBodiesAndFileDescriptor() throws Exception {
    assertThat(docs("RUN <<EMPTY\nEMPTY")).containsExactly(doc("EMPTY", "", true));
    assertThat(docs("RUN 3<<EMPTY2\nEMPTY2"))
        .containsExactly(new Heredoc("EMPTY2", "", true, false, 3));
    assertThat(docs("RUN \"<<NOHEREDOC\"")).isEmpty();
  }

  @Test
  void parse_indentKeptInBodyEvenForChomp_dataStripsTabs() throws Exception {
    assertThat(docs("RUN <<INDENT\n\tfoo\n\tbar\nINDENT"))
        .containsExactly(doc("INDENT", "\tfoo\n\tbar\n", true));
    List<Heredoc> unindent = docs("RUN <<-UNINDENT\n\tbaz\n\tquux\nUNINDENT");
    assertThat(unindent).containsExactly(new Heredoc("UNINDENT", "\tbaz\n\tquux\n", true, true, 0));
    assertThat(unindent.get(0).data()).isEqualTo("baz\nquux\n");
    // with <<- the terminator may be indented with tabs too
    assertThat(docs("RUN <<-UNINDENT2\n\tbaz\n\tquux\n\tUNINDENT2"))
        .containsExactly(new Heredoc("UNINDENT2", "\tbaz\n\tquux\n", true, true, 0));
    assertThat(docs("RUN <<-'NOEXPAND'\n\tdon't expand $NAME\nNOEXPAND"))
        .containsExactly(new Heredoc("NOEXPAND", "\tdon't expand $NAME\n", false, true, 0));
  }

  @Test
  void parse_commentsAndMountsAndSeveralDocs() throws Exception {
    assertThat(docs("RUN <<COMMENT\n# internal comment\necho hi # trailing\nCOMMENT"))
        .containsExactly(doc("COMMENT", "# internal comment\necho hi # trailing\n", true));
    assertThat(docs("RUN --mount=type=cache,target=/foo <<MOUNT\necho hello\nMOUNT"))
        .containsExactly(doc("MOUNT", "echo hello\n", true));
    assertThat(docs("COPY <<FILE1 <<FILE2 /dest\ncontent 1\nFILE1\ncontent 2\nFILE2"))
        .containsExactly(doc("FILE1", "content 1\n", true), doc("FILE2", "content 2\n", true));
    // each body ends at its own delimiter, even when the other's name appears in it
    assertThat(docs("COPY <<X <<Y /dest\nY\nX\nX\nY"))
        .containsExactly(doc("X", "Y\n", true), doc("Y", "X\n", true));
    assertThat(docs("RUN <<COMPLEX python3\nprint('hello world')\nCOMPLEX"))
        .containsExactly(doc("COMPLEX", "print('hello world')\n", true));
    assertThat(docs("COPY <<file.txt /dest\nhello world\nfile.txt"))
        .containsExactly(doc("file.txt", "hello world\n", true));
  }

  @Test
  void parse_quotedDelimiters_nameWithoutQuotesAndNoExpansion() throws Exception {
    assertThat(docs("RUN <<eo'f'\necho foo\neof")).containsExactly(doc("eof", "echo foo\n", false));
    assertThat(docs("RUN <<eo\\'f\necho foo\neo'f"))
        .containsExactly(doc("eo'f", "echo foo\n", true));
    assertThat(docs("RUN <<'e'o\\'f\necho foo\neo'f"))
        .containsExactly(doc("eo'f", "echo foo\n", false));
    assertThat(docs("RUN <<'one two'\necho bar\none two"))
        .containsExactly(doc("one two", "echo bar\n", false));
    assertThat(docs("RUN <<$EOF\n$EOF")).containsExactly(doc("$EOF", "", true));
  }

  @Test
  void parse_blanksAfterOpener_stillAHeredoc() throws Exception {
    assertThat(docs("RUN <<  EOF\nEOF")).containsExactly(doc("EOF", "", true));
    assertThat(docs("RUN <<  EOF  > foo\nEOF")).containsExactly(doc("EOF", "", true));
    // BuildKit's lexer keeps blanks only right after "<<": in a line, "<<- EOF" is two words and
    // opens nothing (its TestHeredocsFromLine case for this line asserts nothing)
    assertThat(docs("RUN <<- EOF")).isEmpty();
    assertThat(docs("RUN << -EOF\nx\n-EOF")).containsExactly(doc("-EOF", "x\n", true));
  }

  @Test
  void parse_jsonFormOrOtherInstruction_noHeredocs() throws Exception {
    assertThat(docs("RUN [\"<<EOF\"]")).isEmpty();
    assertThat(docs("RUN [\"<<'EOF'\"]")).isEmpty();
    ParseResult r = DockerfileParser.parse("Dockerfile", "FROM x\nUSER <<INVALID\nINVALID\n");
    assertThat(r.nodes()).hasSize(3);
    assertThat(r.nodes().get(2).keyword()).isEqualTo("invalid");
  }

  @Test
  void parse_crlfBody_keepsLineEndingsButMatchesTerminator() throws Exception {
    ParseResult r = DockerfileParser.parse("Dockerfile", "FROM x\r\nRUN <<EOF\r\na\r\nEOF\r\n");
    assertThat(r.nodes().get(1).heredocs()).containsExactly(doc("EOF", "a\r\n", true));
  }

  @Test
  void opener_validInvalidAndNotOpeners() {
    for (String valid :
        List.of(
            "<<EOF",
            "<<'EOF'",
            "<<\"EOF\"",
            "<<-EOF",
            "<<-'EOF'",
            "<<-\"EOF\"",
            "<<EO\"F\"",
            "<< EOF",
            "<<- EOF")) {
      assertThat(Heredoc.opener(valid)).as(valid).map(Heredoc::name).contains("EOF");
    }
    // malformed quotes are errors for the parser, and not openers for MustParseHeredoc
    for (String invalid : List.of("<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\"")) {
      assertThatThrownBy(() -> Heredocs.parse(invalid)).isInstanceOf(ParseFailure.class);
      assertThat(Heredoc.opener(invalid)).as(invalid).isEmpty();
    }
    for (String not : List.of("", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh")) {
      assertThat(Heredoc.opener(not)).as(not).isEmpty();
    }
    assertThat(Heredoc.opener("4<<EOF")).map(Heredoc::fileDescriptor).contains(4);
  }

  @Test
  void fromLine_namesOfEveryOpenerOutsideQuotes() throws Exception {
    assertThat(names("RUN <<EOF")).containsExactly("EOF");
    assertThat(names("RUN <<-EOF")).containsExactly("EOF");
    assertThat(names("RUN <<- EOF")).isEmpty();
    assertThat(names("RUN << -EOF")).containsExactly("-EOF");
    assertThat(names("RUN <<'EOF'")).containsExactly("EOF");
    assertThat(names("RUN 4<<EOF")).containsExactly("EOF");
    assertThat(names("RUN <<EOF <<EOF2")).containsExactly("EOF", "EOF2");
    assertThat(names("RUN '<<EOF'")).isEmpty();
    assertThat(names("RUN \"<<EOF\"")).isEmpty();
  }

  private static List<String> names(String line) throws Exception {
    return Heredocs.fromLine(line).stream().map(Heredocs.Spec::name).toList();
  }
}
