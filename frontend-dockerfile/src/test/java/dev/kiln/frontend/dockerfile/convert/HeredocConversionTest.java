package dev.kiln.frontend.dockerfile.convert;

import static dev.kiln.frontend.dockerfile.convert.Fixtures.AMD64;
import static dev.kiln.frontend.dockerfile.convert.Fixtures.convert;
import static dev.kiln.frontend.dockerfile.convert.Fixtures.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.ImageConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Here-documents in RUN, COPY and ONBUILD as BuildKit's {@code dispatchRun} and {@code
 * dispatchCopy} turn them into graphs; file contents are those of BuildKit's {@code
 * dockerfile_heredoc_test.go}.
 */
class HeredocConversionTest {

  private static ExecOp exec(ConversionResult r) {
    return (ExecOp) r.state().output().vertex().op();
  }

  private static String lastHistory(ConversionResult r) {
    List<ImageConfig.History> h = r.imageConfig().history();
    return h.get(h.size() - 1).createdBy();
  }

  /** The data of every COPY here-document file of the target, by mkfile path. */
  private static Map<String, String> copiedFiles(ConversionResult r) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Vertex v : Fixtures.vertices(r.state().output())) {
      if (v.op() instanceof FileOp f && f.actions().get(0) instanceof FileAction.Mkfile m) {
        out.put(m.path(), new String(m.data(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Test
  void run_wholeCommandHeredoc_bodyIsTheShellCommandString() throws Exception {
    ConversionResult r = convert("FROM busybox\nRUN <<EOF\necho \"i am\" >> /dest\nwhoami\nEOF\n");
    assertThat(exec(r).meta().args())
        .containsExactly("/bin/sh", "-c", "echo \"i am\" >> /dest\nwhoami\n");
    assertThat(exec(r).mounts()).hasSize(1);
    assertThat(lastHistory(r))
        .isEqualTo("RUN /bin/sh -c echo \"i am\" >> /dest\nwhoami\n # buildkit");
    assertThat(r.state().output().vertex().metadata().name())
        .isEqualTo("[2/2] RUN <<EOF (echo \"i am\" >> /dest...)");
  }

  @Test
  void run_heredocUnderShell_runsThroughThatShell() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\nSHELL [\"/bin/awk\"]\nRUN <<EOF\nBEGIN {\n\tprint \"foo\"\n}\nEOF\n");
    assertThat(exec(r).meta().args()).containsExactly("/bin/awk", "BEGIN {\n\tprint \"foo\"\n}\n");
  }

  @Test
  void run_shebangHeredoc_scriptFileMountedAtDevPipes() throws Exception {
    ConversionResult r =
        convert("FROM busybox\nRUN <<-EOF\n\t#!/bin/awk -f\n\tBEGIN { print \"hi\" }\nEOF\n");
    ExecOp e = exec(r);
    assertThat(e.meta().args()).containsExactly("/bin/sh", "-c", "/dev/pipes/EOF");
    Mount pipes = e.mounts().get(1);
    assertThat(pipes.target()).isEqualTo("/dev/pipes/");
    assertThat(pipes.readOnly()).isTrue();
    assertThat(pipes.selector()).isEqualTo("/");
    Vertex script = input(r.state().output().vertex(), pipes.input());
    FileAction.Mkfile mk = (FileAction.Mkfile) ((FileOp) script.op()).actions().get(0);
    assertThat(mk.path()).isEqualTo("/EOF");
    assertThat(mk.mode()).isEqualTo(0755);
    // <<- strips the tabs before the interpreter line is looked for; the body is not expanded
    assertThat(new String(mk.data(), StandardCharsets.UTF_8))
        .isEqualTo("#!/bin/awk -f\nBEGIN { print \"hi\" }\n");
    assertThat(script.metadata().name()).isEqualTo("[internal] preparing inline document");
    assertThat(lastHistory(r)).isEqualTo("RUN /bin/sh -c /dev/pipes/EOF # buildkit");
  }

  @Test
  void run_commandWithHeredocs_bodiesGivenBackToTheShell() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\n"
                + "RUN cat <<EOF1 | tr a-z A-Z > ./out1; \\\n"
                + "\tcat <<-EOF2 > ./out2\n"
                + "hello $HOME\n"
                + "EOF1\n"
                + "\tHELLO\n"
                + "\tEOF2\n");
    // the shell does the expansion and the tab stripping; the <<- body keeps its tabs here
    assertThat(exec(r).meta().args())
        .containsExactly(
            "/bin/sh",
            "-c",
            "cat <<EOF1 | tr a-z A-Z > ./out1; \tcat <<-EOF2 > ./out2\n"
                + "hello $HOME\nEOF1\n\tHELLO\nEOF2");
  }

  /** Asserts the argv of the last RUN of {@code FROM busybox} + {@code run}. */
  private static void assertRunArgs(String run, String... args) throws Exception {
    assertThat(exec(convert("FROM busybox\n" + run)).meta().args()).containsExactly(args);
  }

  @Test
  void run_fileDescriptorsAndInterpreterAfterHeredoc_commandForm() throws Exception {
    assertRunArgs(
        "RUN <<EOF 3<<IN1 awk -f -\nBEGIN {}\nEOF\nhello\nIN1\n",
        "/bin/sh",
        "-c",
        "<<EOF 3<<IN1 awk -f -\nBEGIN {}\nEOF\nhello\nIN1");
  }

  @Test
  void run_heredocWithRedirect_commandFormKeepsIndent() throws Exception {
    assertRunArgs(
        "RUN <<EOF sh > /dest/foo3\necho \"\n\tfoo\"\nEOF\n",
        "/bin/sh",
        "-c",
        "<<EOF sh > /dest/foo3\necho \"\n\tfoo\"\nEOF");
  }

  @Test
  void run_chompedPlainHeredoc_tabsStripped() throws Exception {
    assertRunArgs(
        "RUN <<-EOF\necho \"\n\tbar\" > /dest/bar-run\nEOF\n",
        "/bin/sh",
        "-c",
        "echo \"\nbar\" > /dest/bar-run\n");
  }

  @Test
  void run_heredocInExecForm_notAHeredoc() throws Exception {
    assertRunArgs("RUN [\"echo\", \"<<EOF\"]\n", "echo", "<<EOF");
  }

  @Test
  void copy_specialSymbols_escapesProcessedUnlessDelimiterQuoted() throws Exception {
    ConversionResult r =
        convert(
            "FROM scratch\n"
                + "COPY <<EOF quotefile\n\"quotes in file\"\nEOF\n"
                + "COPY <<EOF slashfile1\n\\\nEOF\n"
                + "COPY <<EOF slashfile2\n\\\\\nEOF\n"
                + "COPY <<EOF slashfile3\n\\$\nEOF\n"
                + "COPY <<\"EOF\" rawslashfile1\n\\\nEOF\n"
                + "COPY <<\"EOF\" rawslashfile2\n\\\\\nEOF\n"
                + "COPY <<\"EOF\" rawslashfile3\n\\$\nEOF\n");
    assertThat(copiedContents(r))
        .containsExactly("\"quotes in file\"\n", "\n", "\\\n", "$\n", "\\\n", "\\\\\n", "\\$\n");
  }

  @Test
  void copy_varSubstitution_quotesAreTextAndQuotedDelimiterKeepsVariables() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\nARG name=world\n"
                + "COPY <<EOF /dest/c1\nHello ${name}!\nEOF\n"
                + "COPY <<'EOF' /dest/c2\nHello ${name}!\nEOF\n"
                + "COPY <<\"EOF\" /dest/c3\nHello ${name}!\nEOF\n"
                + "COPY <<EOF /dest/q1\nHello '${name}'!\nEOF\n"
                + "COPY <<EOF /dest/q2\nHello \"${name}\"!\nEOF\n"
                + "COPY <<'EOF' /dest/qsingle1\nHello '${name}'!\nEOF\n"
                + "COPY <<\"EOF\" /dest/qdouble2\nHello \"${name}\"!\nEOF\n");
    assertThat(copiedContents(r))
        .containsExactly(
            "Hello world!\n",
            "Hello ${name}!\n",
            "Hello ${name}!\n",
            "Hello 'world'!\n",
            "Hello \"world\"!\n",
            "Hello '${name}'!\n",
            "Hello \"${name}\"!\n");
  }

  @Test
  void copy_indent_keptForPlainStrippedForChomp() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\nCOPY <<EOF /dest/foo-copy\n\tfoo\nEOF\n"
                + "COPY <<-EOF /dest/bar-copy\n\tbar\nEOF\n");
    assertThat(copiedContents(r)).containsExactly("\tfoo\n", "bar\n");
  }

  @Test
  void copy_twoHeredocsIntoDirectory_oneFileEach() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\nWORKDIR /dest\nCOPY <<EOF <<EOF2 double/\nfirst\nEOF\nsecond\nEOF2\n");
    FileOp op = (FileOp) r.state().output().vertex().op();
    assertThat(op.actions())
        .extracting(a -> ((FileAction.Copy) a).src() + " -> " + ((FileAction.Copy) a).dest())
        .containsExactly("/EOF -> /dest/double/", "/EOF2 -> /dest/double/");
    assertThat(copiedFiles(r)).containsEntry("/EOF", "first\n").containsEntry("/EOF2", "second\n");
    assertThat(lastHistory(r)).isEqualTo("COPY <<EOF <<EOF2 double/ # buildkit");
  }

  @Test
  void copy_heredocAsDestination_error() {
    assertThatThrownBy(() -> convert("FROM busybox\nCOPY a <<EOF\nx\nEOF\n"))
        .hasMessage("Dockerfile:2: COPY cannot accept a heredoc as a destination");
  }

  /** {@code FROM busybox} where busybox has {@code triggers}. */
  private static ConversionResult childOf(List<String> triggers) throws Exception {
    return DockerfileConverter.convert(
        ConversionRequest.of(
            "FROM busybox\n",
            AMD64,
            Fixtures.resolver(
                Map.of("docker.io/library/busybox:latest", Fixtures.busybox(triggers)))));
  }

  @Test
  void onbuild_heredocTrigger_storedWithBodyAndRunByTheChild() throws Exception {
    ConversionResult base =
        convert("FROM busybox\nONBUILD RUN <<EOF\necho \"hello world\" >> /dest\nEOF\n");
    List<String> onBuild = base.imageConfig().containerConfig().onBuild();
    assertThat(onBuild).containsExactly("RUN <<EOF\necho \"hello world\" >> /dest\nEOF");

    ConversionResult child = childOf(onBuild);
    assertThat(exec(child).meta().args())
        .containsExactly("/bin/sh", "-c", "echo \"hello world\" >> /dest\n");
    assertThat(child.imageConfig().containerConfig().onBuild()).isEmpty();
  }

  @Test
  void onbuild_twoTriggersOneWithContinuation_eachParsedAlone() throws Exception {
    List<String> triggers = List.of("RUN echo a \\", "RUN echo b");
    ConversionResult child = childOf(triggers);
    List<List<String>> runs = new ArrayList<>();
    for (Vertex v : Fixtures.vertices(child.state().output())) {
      if (v.op() instanceof ExecOp e) {
        runs.add(e.meta().args());
      }
    }
    assertThat(runs)
        .containsExactly(List.of("/bin/sh", "-c", "echo a"), List.of("/bin/sh", "-c", "echo b"));
  }

  /** The data of the COPY here-document files in the order the Dockerfile copies them. */
  private static List<String> copiedContents(ConversionResult r) {
    List<String> out = new ArrayList<>();
    Edge e = r.state().output();
    List<Vertex> copies = new ArrayList<>();
    while (e.vertex().op() instanceof FileOp f && f.actions().get(0) instanceof FileAction.Copy) {
      copies.add(0, e.vertex());
      e = e.vertex().inputs().get(0);
    }
    for (Vertex copy : copies) {
      Vertex file = input(copy, 1);
      FileAction.Mkfile mk = (FileAction.Mkfile) ((FileOp) file.op()).actions().get(0);
      out.add(new String(mk.data(), StandardCharsets.UTF_8));
    }
    return out;
  }
}
