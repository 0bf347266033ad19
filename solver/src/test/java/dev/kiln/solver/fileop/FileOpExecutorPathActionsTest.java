package dev.kiln.solver.fileop;

import static dev.kiln.solver.fileop.Fixture.dir;
import static dev.kiln.solver.fileop.Fixture.file;
import static dev.kiln.solver.fileop.Fixture.mode;
import static dev.kiln.solver.fileop.Fixture.op;
import static dev.kiln.solver.fileop.Fixture.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.FileAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOpExecutorPathActionsTest {
  static final Instant EPOCH = Instant.parse("2021-06-01T00:00:00Z");

  @TempDir Path tmp;
  final FileOpExecutor executor =
      new FileOpExecutor(new FileOpExecutor.Options(true, null).withTimestamp(EPOCH));

  private Path dest() throws Exception {
    return dir(tmp, "dest");
  }

  private void run(Path dest, FileAction... actions) throws FileOpException {
    executor.execute(op(actions), dest, List.of(FileOpInput.of(0, dest)));
  }

  @Test
  void mkdir_withParents_createsAllWithModeAndTimestamp() throws Exception {
    Path d = dest();
    run(d, new FileAction.Mkdir("/a/b/c", 0700, true, null));
    for (String p : List.of("a", "a/b", "a/b/c")) {
      assertThat(mode(d.resolve(p))).isEqualTo(0700);
      assertThat(Files.getLastModifiedTime(d.resolve(p))).isEqualTo(FileTime.from(EPOCH));
    }
  }

  @Test
  void mkdir_withoutParents_missingParentFails() throws Exception {
    Path d = dest();
    assertThatThrownBy(() -> run(d, new FileAction.Mkdir("/a/b", -1, false, null)))
        .isInstanceOf(FileOpException.class)
        .hasMessage("mkdir /a/b: parent /a does not exist (use parents)");
  }

  @Test
  void mkdir_defaultModeAndExistingDir_succeeds() throws Exception {
    Path d = dest();
    dir(d, "keep");
    Files.setAttribute(d.resolve("keep"), "unix:mode", 0711);
    run(
        d,
        new FileAction.Mkdir("/x", -1, false, null),
        new FileAction.Mkdir("/keep", 0700, false, null));
    assertThat(mode(d.resolve("x"))).isEqualTo(0755);
    assertThat(mode(d.resolve("keep"))).isEqualTo(0711);
  }

  @Test
  void mkdir_onExistingFile_fails() throws Exception {
    Path d = dest();
    file(d, "f", "f", 0644);
    assertThatThrownBy(() -> run(d, new FileAction.Mkdir("/f", -1, true, null)))
        .hasMessage("mkdir /f: /f exists and is not a directory");
  }

  @Test
  void mkdir_throughEscapingSymlink_staysInsideRoot() throws Exception {
    Path d = dest();
    Path victim = dir(tmp, "victim");
    Files.createSymbolicLink(d.resolve("link"), Path.of("../../../../victim"));
    run(d, new FileAction.Mkdir("/link/made", -1, true, null));
    assertThat(victim.resolve("made")).doesNotExist();
    assertThat(d.resolve("victim/made")).isDirectory();
  }

  @Test
  void mkfile_writesDataModeAndTimestamp() throws Exception {
    Path d = dest();
    byte[] data = "hi\n".getBytes(StandardCharsets.UTF_8);
    run(
        d,
        new FileAction.Mkfile("/f", -1, data, null),
        new FileAction.Mkfile("/g", 0600, data, null));
    assertThat(read(d.resolve("f"))).isEqualTo("hi\n");
    assertThat(mode(d.resolve("f"))).isEqualTo(0644);
    assertThat(mode(d.resolve("g"))).isEqualTo(0600);
    assertThat(Files.getLastModifiedTime(d.resolve("g"))).isEqualTo(FileTime.from(EPOCH));
  }

  @Test
  void mkfile_replacesExistingFile() throws Exception {
    Path d = dest();
    file(d, "f", "a much longer old content", 0644);
    run(d, new FileAction.Mkfile("/f", -1, new byte[] {'n'}, null));
    assertThat(read(d.resolve("f"))).isEqualTo("n");
  }

  @Test
  void mkfile_missingParentOrDirectory_fails() throws Exception {
    Path d = dest();
    dir(d, "dir");
    assertThatThrownBy(() -> run(d, new FileAction.Mkfile("/no/f", -1, new byte[0], null)))
        .hasMessage("mkfile /no/f: parent /no does not exist");
    assertThatThrownBy(() -> run(d, new FileAction.Mkfile("/dir", -1, new byte[0], null)))
        .hasMessage("mkfile /dir: /dir is a directory");
  }

  @Test
  void mkfile_throughAbsoluteSymlinkToHostFile_writesInsideRoot() throws Exception {
    Path d = dest();
    Path victim = file(tmp, "victim.txt", "untouched", 0644);
    Files.createSymbolicLink(d.resolve("f"), victim);
    assertThatThrownBy(() -> run(d, new FileAction.Mkfile("/f", -1, new byte[] {'x'}, null)))
        .hasMessage("mkfile /f: parent " + victim.getParent() + " does not exist");
    dir(d, victim.getParent().toString().substring(1));
    run(d, new FileAction.Mkfile("/f", -1, new byte[] {'x'}, null));
    assertThat(read(victim)).isEqualTo("untouched");
    assertThat(read(d.resolve(victim.toString().substring(1)))).isEqualTo("x");
  }

  @Test
  void rm_fileAndDirectoryTree_removed() throws Exception {
    Path d = dest();
    file(d, "a/b/c", "c", 0644);
    file(d, "f", "f", 0644);
    run(d, new FileAction.Rm("/a", false, false), new FileAction.Rm("/f", false, false));
    assertThat(d.resolve("a")).doesNotExist();
    assertThat(d.resolve("f")).doesNotExist();
  }

  @Test
  void rm_missing_failsUnlessAllowNotFound() throws Exception {
    Path d = dest();
    assertThatThrownBy(() -> run(d, new FileAction.Rm("/nope", false, false)))
        .hasMessage("rm /nope: no such file or directory (use allowNotFound)");
    run(d, new FileAction.Rm("/nope", true, false));
    run(d, new FileAction.Rm("/*.none", true, true));
    assertThatThrownBy(() -> run(d, new FileAction.Rm("/*.none", false, true)))
        .hasMessage("rm /*.none: no file matches (use allowNotFound)");
  }

  @Test
  void rm_wildcard_removesEveryMatchOnly() throws Exception {
    Path d = dest();
    file(d, "tmp/a.log", "a", 0644);
    file(d, "tmp/b.log", "b", 0644);
    file(d, "tmp/keep.txt", "k", 0644);
    run(d, new FileAction.Rm("/tmp/*.log", false, true));
    try (var s = Files.list(d.resolve("tmp"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("keep.txt");
    }
  }

  @Test
  void rm_symlink_removesTheLinkNotItsTarget() throws Exception {
    Path d = dest();
    Path victim = file(tmp, "victim/x", "x", 0644);
    Files.createSymbolicLink(d.resolve("link"), victim.getParent());
    run(d, new FileAction.Rm("/link", false, false));
    assertThat(d.resolve("link")).doesNotExist();
    assertThat(victim).exists();
  }

  @Test
  void rm_throughEscapingParentSymlink_isConfined() throws Exception {
    Path d = dest();
    Path victim = file(tmp, "victim/x", "x", 0644);
    Files.createSymbolicLink(d.resolve("up"), Path.of("../../../../" + victim.getParent()));
    run(d, new FileAction.Rm("/up/x", true, false));
    assertThat(victim).exists();
  }

  @Test
  void rm_root_isRefused() throws Exception {
    Path d = dest();
    assertThatThrownBy(() -> run(d, new FileAction.Rm("/", false, false)))
        .hasMessage("rm /: cannot remove the root directory");
    assertThat(d).isDirectory();
  }

  @Test
  void symlink_createsLinkWithTextAsGiven() throws Exception {
    Path d = dest();
    run(d, new FileAction.Symlink("../lib/x", "/l"), new FileAction.Symlink("/abs", "/m"));
    assertThat(Files.readSymbolicLink(d.resolve("l"))).isEqualTo(Path.of("../lib/x"));
    assertThat(Files.readSymbolicLink(d.resolve("m"))).isEqualTo(Path.of("/abs"));
  }

  @Test
  void symlink_missingParentOrExisting_fails() throws Exception {
    Path d = dest();
    file(d, "f", "f", 0644);
    assertThatThrownBy(() -> run(d, new FileAction.Symlink("x", "/no/l")))
        .hasMessage("symlink /no/l -> x: parent /no does not exist");
    assertThatThrownBy(() -> run(d, new FileAction.Symlink("x", "/f")))
        .hasMessage("symlink /f -> x: /f already exists");
  }

  @Test
  void symlink_parentThroughEscapingSymlink_isCreatedInsideRoot() throws Exception {
    Path d = dest();
    Path victim = dir(tmp, "victim");
    Files.createSymbolicLink(d.resolve("out"), victim);
    dir(d, victim.toString().substring(1));
    run(d, new FileAction.Symlink("t", "/out/l"));
    assertThat(victim.resolve("l")).doesNotExist();
    assertThat(Files.isSymbolicLink(d.resolve(victim.toString().substring(1)).resolve("l")))
        .isTrue();
  }

  @Test
  void execute_interrupted_stopsBeforeTheNextAction() throws Exception {
    Path d = dest();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> run(d, new FileAction.Mkdir("/x", -1, false, null)))
          .hasMessage("file op interrupted before mkdir /x");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(d.resolve("x")).doesNotExist();
  }
}
