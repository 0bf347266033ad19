package dev.kiln.solver.fileop;

import static dev.kiln.solver.fileop.Fixture.OLD;
import static dev.kiln.solver.fileop.Fixture.copy;
import static dev.kiln.solver.fileop.Fixture.dir;
import static dev.kiln.solver.fileop.Fixture.dockerCopy;
import static dev.kiln.solver.fileop.Fixture.file;
import static dev.kiln.solver.fileop.Fixture.mode;
import static dev.kiln.solver.fileop.Fixture.op;
import static dev.kiln.solver.fileop.Fixture.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOpExecutorCopyTest {
  @TempDir Path tmp;
  Path ctx;
  Path dest;
  final FileOpExecutor executor = new FileOpExecutor(new FileOpExecutor.Options(true, null));

  @BeforeEach
  void setUp() throws IOException {
    ctx = dir(tmp, "ctx");
    dest = dir(tmp, "dest");
  }

  private void run(FileAction... actions) throws FileOpException {
    executor.execute(op(actions), dest, List.of(FileOpInput.of(0, dest), FileOpInput.context(ctx)));
  }

  @Test
  void copy_fileToFile_copiesContentModeAndMtime() throws Exception {
    file(ctx, "app.txt", "hello", 0640);
    run(dockerCopy("/app.txt", "/srv/renamed.txt"));
    Path out = dest.resolve("srv/renamed.txt");
    assertThat(read(out)).isEqualTo("hello");
    assertThat(mode(out)).isEqualTo(0640);
    assertThat(Files.getLastModifiedTime(out)).isEqualTo(OLD);
    assertThat(mode(dest.resolve("srv"))).isEqualTo(0755);
  }

  @Test
  void copy_fileToDirWithSlash_landsInsideNewDir() throws Exception {
    file(ctx, "app.txt", "hello", 0644);
    run(dockerCopy("/app.txt", "/opt/app/"));
    assertThat(read(dest.resolve("opt/app/app.txt"))).isEqualTo("hello");
  }

  @Test
  void copy_fileToExistingDirWithoutSlash_landsInside() throws Exception {
    file(ctx, "app.txt", "hello", 0644);
    dir(dest, "opt");
    run(dockerCopy("/app.txt", "/opt"));
    assertThat(read(dest.resolve("opt/app.txt"))).isEqualTo("hello");
  }

  @Test
  void copy_fileOverExistingFile_replacesIt() throws Exception {
    file(ctx, "app.txt", "new", 0644);
    file(dest, "app.txt", "old", 0600);
    run(dockerCopy("/app.txt", "/app.txt"));
    assertThat(read(dest.resolve("app.txt"))).isEqualTo("new");
    assertThat(mode(dest.resolve("app.txt"))).isEqualTo(0644);
  }

  @Test
  void copy_dirContentsOnly_copiesContentsNotDir() throws Exception {
    file(ctx, "src/a.txt", "a", 0644);
    file(ctx, "src/sub/b.txt", "b", 0600);
    dir(dest, "app");
    file(dest, "app/keep.txt", "keep", 0644);
    run(dockerCopy("/src", "/app"));
    assertThat(read(dest.resolve("app/a.txt"))).isEqualTo("a");
    assertThat(read(dest.resolve("app/sub/b.txt"))).isEqualTo("b");
    assertThat(read(dest.resolve("app/keep.txt"))).isEqualTo("keep");
    assertThat(dest.resolve("app/src")).doesNotExist();
  }

  @Test
  void copy_dirNotContentsOnlyIntoExistingDir_copiesDirByName() throws Exception {
    file(ctx, "src/a.txt", "a", 0644);
    Files.setAttribute(ctx.resolve("src"), "unix:mode", 0750);
    dir(dest, "app");
    run(copy("/src", "/app", true, false, true, false, false));
    assertThat(read(dest.resolve("app/src/a.txt"))).isEqualTo("a");
    assertThat(mode(dest.resolve("app/src"))).isEqualTo(0750);
  }

  @Test
  void copy_dirContentsToMissingDest_createsItAsMkdirAllNotWithSourceMetadata() throws Exception {
    file(ctx, "src/a.txt", "a", 0644);
    dir(ctx, "src/sub");
    Files.setAttribute(ctx.resolve("src"), "unix:mode", 0700);
    Files.setAttribute(ctx.resolve("src/sub"), "unix:mode", 0750);
    Files.setAttribute(ctx.resolve("src"), "unix:uid", 1234);

    run(dockerCopy("/src", "/new/place"));

    // fsutil's prepareTargetDir makes the destination (0755, the --chown owner or root), then
    // copies the contents into it; what is below keeps the source's metadata
    assertThat(read(dest.resolve("new/place/a.txt"))).isEqualTo("a");
    assertThat(mode(dest.resolve("new/place"))).isEqualTo(0755);
    assertThat(Fixture.uid(dest.resolve("new/place"))).isZero();
    assertThat(mode(dest.resolve("new/place/sub"))).isEqualTo(0750);
  }

  @Test
  void copy_dirItselfToMissingDest_createsItWithSourceMetadata() throws Exception {
    file(ctx, "src/a.txt", "a", 0644);
    Files.setAttribute(ctx.resolve("src"), "unix:mode", 0711);
    Files.setLastModifiedTime(ctx.resolve("src"), OLD);
    run(copy("/src", "/new/place", true, false, true, false, false));
    assertThat(read(dest.resolve("new/place/a.txt"))).isEqualTo("a");
    assertThat(mode(dest.resolve("new/place"))).isEqualTo(0711);
    assertThat(Files.getLastModifiedTime(dest.resolve("new/place"))).isEqualTo(OLD);
  }

  @Test
  void copy_chmod_appliesToCopiedEntriesAndCreatedDirsNotExistingOnes() throws Exception {
    file(ctx, "foo", "foo", 0600);
    file(ctx, "d/f", "f", 0644);
    dir(ctx, "d/sub");
    dir(dest, "existing");
    Files.setAttribute(dest.resolve("existing"), "unix:mode", 0711);

    // BuildKit's testCopyChmod: COPY --chmod=777 foo /parent/foo gives /parent 0777, and
    // --chmod=770 foo /parent/sub/foo gives /parent/sub 0770 (fsutil since 2025)
    run(
        dockerCopy("/foo", "/parent/foo").withMode(0777),
        dockerCopy("/foo", "/parent/sub/foo").withMode(0770),
        dockerCopy("/d", "/chm/").withMode(0600),
        dockerCopy("/d", "/existing/").withMode(0640));

    assertThat(mode(dest.resolve("parent"))).isEqualTo(0777);
    assertThat(mode(dest.resolve("parent/sub"))).isEqualTo(0770);
    assertThat(mode(dest.resolve("parent/sub/foo"))).isEqualTo(0770);
    assertThat(mode(dest.resolve("chm"))).isEqualTo(0600);
    assertThat(mode(dest.resolve("chm/sub"))).isEqualTo(0600);
    assertThat(mode(dest.resolve("chm/f"))).isEqualTo(0600);
    assertThat(mode(dest.resolve("existing"))).isEqualTo(0711);
    assertThat(mode(dest.resolve("existing/f"))).isEqualTo(0640);
  }

  @Test
  void copy_severalSourcesWithoutSlash_eachOntoDest_lastFileWinsDirsMerge() throws Exception {
    file(ctx, "a.txt", "a", 0644);
    file(ctx, "b.txt", "bb", 0644);
    file(ctx, "d1/one", "1", 0644);
    file(ctx, "d2/two", "2", 0644);

    // dockerd 20.10's builder gives exactly this for COPY a.txt b.txt /multi, COPY d1 d2 /dirs and
    // COPY d1 a.txt /mixed
    run(dockerCopy("/a.txt", "/multi"), dockerCopy("/b.txt", "/multi"));
    run(dockerCopy("/d1", "/dirs"), dockerCopy("/d2", "/dirs"));
    run(dockerCopy("/d1", "/mixed"), dockerCopy("/a.txt", "/mixed"));

    assertThat(read(dest.resolve("multi"))).isEqualTo("bb");
    assertThat(read(dest.resolve("dirs/one"))).isEqualTo("1");
    assertThat(read(dest.resolve("dirs/two"))).isEqualTo("2");
    assertThat(read(dest.resolve("mixed/one"))).isEqualTo("1");
    assertThat(read(dest.resolve("mixed/a.txt"))).isEqualTo("a");
    assertThatThrownBy(() -> run(dockerCopy("/a.txt", "/m2"), dockerCopy("/d1", "/m2")))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("non-directory /m2");
  }

  @Test
  void copy_socketInSource_becomesAnEmptyFileWithItsPermissions() throws Exception {
    dev.kiln.solver.layer.Trees.socket(ctx, "s/sock", 0751);

    run(dockerCopy("/s", "/out/"));

    Path out = dest.resolve("out/sock");
    assertThat(Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.size(out)).isZero();
    assertThat(mode(out)).isEqualTo(0751);
  }

  @Test
  void copy_fifoInSource_isMadeAsAFifoWithItsModeOrTheChmod() throws Exception {
    // current fsutil's copyDevice (mknod with the source's type)
    Files.createDirectories(ctx.resolve("f"));
    new ProcessBuilder("mkfifo", "-m", "0640", ctx.resolve("f/pipe").toString())
        .inheritIO()
        .start()
        .waitFor();

    run(dockerCopy("/f", "/out/"), dockerCopy("/f", "/chm/").withMode(0600));

    Map<String, Object> a =
        Files.readAttributes(dest.resolve("out/pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
    assertThat((Integer) a.get("mode") & 0170000).isEqualTo(0010000);
    assertThat((Integer) a.get("mode") & 07777).isEqualTo(0640);
    Map<String, Object> b =
        Files.readAttributes(dest.resolve("chm/pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
    assertThat((Integer) b.get("mode") & 07777).isEqualTo(0600);
  }

  @Test
  void copy_severalSourcesIntoDir_allLandInside() throws Exception {
    file(ctx, "a.txt", "a", 0644);
    file(ctx, "b.txt", "b", 0644);
    run(dockerCopy("/a.txt", "/out/"), dockerCopy("/b.txt", "/out/"));
    assertThat(read(dest.resolve("out/a.txt"))).isEqualTo("a");
    assertThat(read(dest.resolve("out/b.txt"))).isEqualTo("b");
  }

  @Test
  void copy_wildcardMatchingSeveral_intoDirWithSlash() throws Exception {
    file(ctx, "a.txt", "a", 0644);
    file(ctx, "b.txt", "b", 0644);
    file(ctx, "c.md", "c", 0644);
    file(ctx, ".hidden.txt", "h", 0644);
    run(copy("/*.txt", "/out/", true, true, true, true, false));
    try (var s = Files.list(dest.resolve("out"))) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("a.txt", "b.txt", ".hidden.txt");
    }
  }

  @Test
  void copy_wildcardMatchingSeveralWithoutSlash_eachOntoDest_lastInNameOrderWins()
      throws Exception {
    file(ctx, "a.txt", "a", 0644);
    file(ctx, "b.txt", "bb", 0644);
    // dockerd 20.10's builder: COPY *.txt /wdst leaves /wdst a file holding b.txt
    run(copy("/*.txt", "/wdst", true, true, true, true, false));
    assertThat(read(dest.resolve("wdst"))).isEqualTo("bb");
  }

  @Test
  void copy_wildcardInDirectoryComponent_matchesAcrossDirs() throws Exception {
    file(ctx, "pkg1/go.mod", "1", 0644);
    file(ctx, "pkg2/go.mod", "2", 0644);
    file(ctx, "other/x", "x", 0644);
    run(copy("/pkg[0-9]/go.mod", "/mods/", true, true, true, true, false));
    assertThat(read(dest.resolve("mods/go.mod"))).isIn("1", "2");
  }

  @Test
  void copy_wildcardMatchingNone_failsUnlessAllowed() throws Exception {
    file(ctx, "a.txt", "a", 0644);
    assertThatThrownBy(() -> run(copy("/*.jar", "/out/", true, true, true, true, false)))
        .isInstanceOf(FileOpException.class)
        .hasMessageStartingWith("COPY failed: no source files were specified")
        .hasMessageContaining("*.jar");
    run(copy("/*.jar", "/out/", true, true, true, true, true));
    assertThat(dest.resolve("out/a.txt")).doesNotExist();
  }

  @Test
  void copy_wildcardDisabled_takesPatternLiterally() throws Exception {
    file(ctx, "a*.txt", "literal", 0644);
    file(ctx, "ab.txt", "ab", 0644);
    run(copy("/a*.txt", "/x.txt", true, true, true, false, false));
    assertThat(read(dest.resolve("x.txt"))).isEqualTo("literal");
  }

  @Test
  void copy_missingSource_failsNamingBuildContext() {
    assertThatThrownBy(() -> run(dockerCopy("/app.txt", "/app.txt")))
        .isInstanceOf(FileOpException.class)
        .hasMessage("COPY failed: file not found in build context: app.txt");
  }

  @Test
  void copy_withoutCreateDestPath_missingParentFails() throws Exception {
    file(ctx, "a.txt", "a", 0644);
    assertThatThrownBy(() -> run(copy("/a.txt", "/no/such/a.txt", true, true, false, false, false)))
        .isInstanceOf(FileOpException.class)
        .hasMessage("COPY failed: destination parent /no/such does not exist");
    assertThat(dest.resolve("no")).doesNotExist();
  }

  @Test
  void copy_chmod_appliesToFilesAndDirs() throws Exception {
    file(ctx, "d/f", "f", 0600);
    dir(ctx, "d/sub");
    run(dockerCopy("/d", "/app").withMode(0750));
    assertThat(mode(dest.resolve("app"))).isEqualTo(0750);
    assertThat(mode(dest.resolve("app/f"))).isEqualTo(0750);
    assertThat(mode(dest.resolve("app/sub"))).isEqualTo(0750);
  }

  @Test
  void copy_symlinksInTree_copiedAsSymlinks() throws Exception {
    file(ctx, "d/real", "r", 0644);
    Files.createSymbolicLink(ctx.resolve("d/rel"), Path.of("real"));
    Files.createSymbolicLink(ctx.resolve("d/abs"), Path.of("/etc/passwd"));
    run(dockerCopy("/d", "/app"));
    assertThat(Files.readSymbolicLink(dest.resolve("app/rel"))).isEqualTo(Path.of("real"));
    assertThat(Files.readSymbolicLink(dest.resolve("app/abs"))).isEqualTo(Path.of("/etc/passwd"));
  }

  @Test
  void copy_followSymlinks_followsOnlyTheSourcePathItself() throws Exception {
    file(ctx, "real.txt", "r", 0644);
    Files.createSymbolicLink(ctx.resolve("link.txt"), Path.of("real.txt"));
    run(copy("/link.txt", "/followed", true, true, true, false, false));
    run(copy("/link.txt", "/kept", false, true, true, false, false));
    assertThat(Files.isSymbolicLink(dest.resolve("followed"))).isFalse();
    assertThat(read(dest.resolve("followed"))).isEqualTo("r");
    assertThat(Files.readSymbolicLink(dest.resolve("kept"))).isEqualTo(Path.of("real.txt"));
  }

  @Test
  void copy_sourceSymlinkEscapes_areResolvedInsideTheSourceRoot() throws Exception {
    Path outside = file(tmp, "outside/secret", "secret", 0644);
    Files.createSymbolicLink(ctx.resolve("abs"), outside);
    Files.createSymbolicLink(ctx.resolve("rel"), Path.of("../../../../outside/secret"));
    dir(ctx, "outside");
    file(ctx, "outside/secret", "in-root", 0644);
    assertThatThrownBy(() -> run(dockerCopy("/abs", "/a")))
        .hasMessage("COPY failed: file not found in build context: abs");
    run(dockerCopy("/rel", "/r"));
    assertThat(read(dest.resolve("r"))).isEqualTo("in-root");
    run(dockerCopy("/../outside/secret", "/up"));
    assertThat(read(dest.resolve("up"))).isEqualTo("in-root");
  }

  @Test
  void copy_destSymlinkEscape_isConfinedToTheDestinationRoot() throws Exception {
    Path outside = dir(tmp, "victim");
    Files.createSymbolicLink(dest.resolve("out"), outside);
    Files.createSymbolicLink(dest.resolve("up"), Path.of("../../../victim"));
    file(ctx, "a.txt", "a", 0644);
    run(dockerCopy("/a.txt", "/out/"), dockerCopy("/a.txt", "/up/x/"));
    try (var s = Files.list(outside)) {
      assertThat(s).isEmpty();
    }
    assertThat(read(dest.resolve(outside.toString().substring(1)).resolve("a.txt"))).isEqualTo("a");
    assertThat(read(dest.resolve("victim/x/a.txt"))).isEqualTo("a");
  }

  @Test
  void copy_symlinkInTheWayOfAFile_isReplacedNotWrittenThrough() throws Exception {
    Path victim = file(tmp, "victim.txt", "untouched", 0644);
    Files.createSymbolicLink(dest.resolve("app"), Path.of("/nonexistent"));
    dir(dest, "d");
    Files.createSymbolicLink(dest.resolve("d/a.txt"), victim);
    file(ctx, "src/a.txt", "a", 0644);
    run(dockerCopy("/src", "/d"));
    assertThat(Files.isSymbolicLink(dest.resolve("d/a.txt"))).isFalse();
    assertThat(read(dest.resolve("d/a.txt"))).isEqualTo("a");
    assertThat(read(victim)).isEqualTo("untouched");
  }

  @Test
  void copy_hardlinks_arePreservedWithinTheCopy() throws Exception {
    Path a = file(ctx, "d/a", "same", 0644);
    Files.createLink(ctx.resolve("d/b"), a);
    file(ctx, "d/c", "other", 0644);
    run(dockerCopy("/d", "/app"));
    Object ka = Files.getAttribute(dest.resolve("app/a"), "unix:ino");
    assertThat(Files.getAttribute(dest.resolve("app/b"), "unix:ino")).isEqualTo(ka);
    assertThat(Files.getAttribute(dest.resolve("app/c"), "unix:ino")).isNotEqualTo(ka);
    assertThat(Files.getAttribute(dest.resolve("app/a"), "unix:nlink")).isEqualTo(2);
  }

  @Test
  void copy_userXattrs_arePreserved() throws Exception {
    Path a = file(ctx, "a", "x", 0644);
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(a, UserDefinedFileAttributeView.class);
    view.write("kiln.test", ByteBuffer.wrap("value".getBytes(StandardCharsets.UTF_8)));
    run(dockerCopy("/a", "/a"));
    UserDefinedFileAttributeView out =
        Files.getFileAttributeView(
            dest.resolve("a"), UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    ByteBuffer buf = ByteBuffer.allocate(out.size("kiln.test"));
    out.read("kiln.test", buf);
    assertThat(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8))
        .isEqualTo("value");
  }

  @Test
  void copy_anyCopy_neverModifiesTheSourceRoot() throws Exception {
    file(ctx, "d/a", "a", 0600);
    Files.createLink(ctx.resolve("d/hard"), ctx.resolve("d/a"));
    Files.createSymbolicLink(ctx.resolve("d/link"), Path.of("/x.txt"));
    file(ctx, "x.txt", "x", 0644);
    var before = Fixture.fingerprint(ctx);
    run(
        dockerCopy("/d", "/app").withMode(0777),
        dockerCopy("/*.txt", "/t/"),
        dockerCopy("/d/link", "/l"),
        new FileAction.Rm("/app/a", false, false),
        new FileAction.Mkfile("/app/hard", 0600, new byte[] {1}, null));
    assertThat(Fixture.fingerprint(ctx)).isEqualTo(before);
  }

  @Test
  void copy_dirIntoItselfWithinTheBase_fails() throws Exception {
    file(dest, "a/f", "f", 0644);
    FileOp op =
        op(new FileAction.Copy(0, "/a", "/a/b/", true, false, true, false, false, -1, null));
    assertThatThrownBy(() -> executor.execute(op, dest, List.of(FileOpInput.of(0, dest))))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("into itself");
  }

  @Test
  void copy_withinTheBase_copiesBetweenPaths() throws Exception {
    file(dest, "a/f", "f", 0644);
    FileOp op = op(FileAction.Copy.of(0, "/a", "/b"));
    executor.execute(op, dest, List.of(FileOpInput.of(0, dest)));
    assertThat(read(dest.resolve("b/f"))).isEqualTo("f");
  }

  @Test
  void copy_inputIndexWithoutRoot_failsClearly() {
    FileOp op = op(dockerCopy("/a", "/a"));
    assertThatThrownBy(() -> executor.execute(op, dest, List.of(FileOpInput.of(0, dest))))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("reads input 1 but only 1 input roots were given");
  }
}
