package dev.kiln.solver.fileop;

import static dev.kiln.solver.fileop.Fixture.dir;
import static dev.kiln.solver.fileop.Fixture.dockerCopy;
import static dev.kiln.solver.fileop.Fixture.file;
import static dev.kiln.solver.fileop.Fixture.gid;
import static dev.kiln.solver.fileop.Fixture.mode;
import static dev.kiln.solver.fileop.Fixture.op;
import static dev.kiln.solver.fileop.Fixture.read;
import static dev.kiln.solver.fileop.Fixture.uid;
import static dev.kiln.solver.layer.TestArchives.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.Owner;
import dev.kiln.core.graph.State;
import dev.kiln.solver.layer.TestArchives;
import dev.kiln.solver.layer.TestArchives.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ADD (a copy with {@code attemptUnpackDockerCompatibility}) of local archives. Ownership needs
 * root: CI runs as root, and these tests fail (not skip) otherwise.
 */
class FileOpExecutorAddTest {
  private static final Instant CREATED = Instant.parse("2022-02-02T02:02:02Z");

  @TempDir Path tmp;
  Path ctx;
  Path dest;
  Path outside;
  final FileOpExecutor executor = new FileOpExecutor(new FileOpExecutor.Options(true, CREATED));

  @BeforeEach
  void setUp() throws Exception {
    ctx = dir(tmp, "ctx");
    dest = dir(tmp, "dest");
    outside = dir(tmp, "outside");
    file(outside, "secret", "original", 0644);
    file(
        dest,
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345::/home/app:/bin/sh\n",
        0644);
  }

  private void run(FileAction... actions) throws FileOpException {
    executor.execute(op(actions), dest, List.of(FileOpInput.of(0, dest), FileOpInput.context(ctx)));
  }

  private static FileAction.Copy add(String src, String dest) {
    return dockerCopy(src, dest).withAttemptUnpack(true);
  }

  private Path appArchive(String name, Kind kind) throws Exception {
    return TestArchives.write(
        ctx.resolve(name),
        kind,
        TestArchives.dir("bin/", 0750),
        file("bin/tool", "tool\n", 0755).owned(1000, 2000),
        file("README", "read me\n", 0600));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void add_archiveEachCompression_extractedIntoCreatedDestinationDirectory(Kind kind)
      throws Exception {
    appArchive("app.pkg", kind);

    run(add("/app.pkg", "/opt/app"));

    assertThat(read(dest.resolve("opt/app/bin/tool"))).isEqualTo("tool\n");
    assertThat(mode(dest.resolve("opt/app/bin/tool"))).isEqualTo(0755);
    assertThat(mode(dest.resolve("opt/app/bin"))).isEqualTo(0750);
    assertThat(uid(dest.resolve("opt/app/bin/tool"))).isEqualTo(1000);
    assertThat(gid(dest.resolve("opt/app/bin/tool"))).isEqualTo(2000);
    assertThat(Files.getLastModifiedTime(dest.resolve("opt/app/README")))
        .isEqualTo(TestArchives.MTIME);
    // The destination directories ADD creates are 0755 with the fixed timestamp, as BuildKit's
    // MkdirAll (opt/app's own mtime then moves as entries are extracted into it, as in BuildKit);
    // the archive is not copied as a file.
    assertThat(mode(dest.resolve("opt/app"))).isEqualTo(0755);
    assertThat(mode(dest.resolve("opt"))).isEqualTo(0755);
    assertThat(Files.getLastModifiedTime(dest.resolve("opt"))).isEqualTo(FileTime.from(CREATED));
    assertThat(dest.resolve("opt/app/app.pkg")).doesNotExist();
  }

  @Test
  void add_textFileNamedLikeArchive_copiedAsFile() throws Exception {
    file(ctx, "foo.tar", "not really a tar\n", 0640);

    run(add("/foo.tar", "/dst/"), add("/foo.tar", "/renamed.tar.gz"));

    assertThat(read(dest.resolve("dst/foo.tar"))).isEqualTo("not really a tar\n");
    assertThat(mode(dest.resolve("dst/foo.tar"))).isEqualTo(0640);
    assertThat(read(dest.resolve("renamed.tar.gz"))).isEqualTo("not really a tar\n");
  }

  @Test
  void copy_realArchiveWithoutUnpackFlag_copiedAsFile() throws Exception {
    Path archive = appArchive("app.tar.gz", Kind.GZIP);

    run(dockerCopy("/app.tar.gz", "/dst/"));

    assertThat(dest.resolve("dst/app.tar.gz")).hasSameBinaryContentAs(archive);
    assertThat(dest.resolve("dst/bin")).doesNotExist();
  }

  @Test
  void add_wildcardOverArchiveFileAndDirectory_extractsOnlyTheArchive() throws Exception {
    appArchive("a.tar", Kind.TAR);
    file(ctx, "b.txt", "bee\n", 0644);
    file(ctx, "c.d/inner.tar", "text\n", 0644);

    run(add("/*", "/out/"));

    assertThat(read(dest.resolve("out/bin/tool"))).isEqualTo("tool\n");
    assertThat(read(dest.resolve("out/b.txt"))).isEqualTo("bee\n");
    assertThat(read(dest.resolve("out/inner.tar"))).isEqualTo("text\n");
    assertThat(dest.resolve("out/a.tar")).doesNotExist();
  }

  @Test
  void add_traversalArchive_failsNamingArchiveAndEntry() throws Exception {
    TestArchives.write(ctx.resolve("evil.tar"), Kind.GZIP, file("../../outside/secret", "x", 0644));

    assertThatThrownBy(() -> run(add("/evil.tar", "/x/")))
        .isInstanceOf(FileOpException.class)
        .hasMessage(
            "ADD failed: archive evil.tar (build context): entry '../../outside/secret' escapes the"
                + " destination directory");
    assertThat(read(outside.resolve("secret"))).isEqualTo("original");
  }

  @Test
  void add_chownAndChmod_archiveOwnersKeptCreatedDirChownedChmodIgnored() throws Exception {
    appArchive("app.tar", Kind.TAR);

    run(add("/app.tar", "/srv/").withOwner(Owner.parse("app")).withMode(0700));

    // As docker's builder (dockerd 20.10, checked by the CLI's DockerParityIT): the directory
    // ADD creates gets the --chown owner, the extracted entries keep the archive's owners.
    assertThat(uid(dest.resolve("srv"))).isEqualTo(1234);
    assertThat(gid(dest.resolve("srv"))).isEqualTo(2345);
    assertThat(uid(dest.resolve("srv/bin/tool"))).isEqualTo(1000);
    assertThat(gid(dest.resolve("srv/bin/tool"))).isEqualTo(2000);
    assertThat(uid(dest.resolve("srv/README"))).isZero();
    // BuildKit does not apply --chmod to extracted entries.
    assertThat(mode(dest.resolve("srv/bin/tool"))).isEqualTo(0755);
    assertThat(mode(dest.resolve("srv/README"))).isEqualTo(0600);
  }

  @Test
  void add_destinationIsAFile_fails() throws Exception {
    appArchive("app.tar", Kind.TAR);
    file(dest, "taken", "file", 0644);

    assertThatThrownBy(() -> run(add("/app.tar", "/taken")))
        .isInstanceOf(FileOpException.class)
        .hasMessage(
            "ADD failed: cannot extract archive app.tar into /taken: it is not a directory");
  }

  @Test
  void execute_fileOpBuiltWithStateAdd_extractsArchive() throws Exception {
    appArchive("rootfs.tar.xz", Kind.XZ);
    State context = State.local("context");
    FileOp built =
        (FileOp)
            State.scratch()
                .file(
                    FileStep.add(context, "/rootfs.tar.xz", "/"),
                    FileStep.copy(context, "/rootfs.tar.xz", "/archives/"))
                .output()
                .vertex()
                .op();
    Path empty = dir(tmp, "scratch");

    executor.execute(built, empty, List.of(FileOpInput.of(0, empty), FileOpInput.context(ctx)));

    assertThat(read(empty.resolve("bin/tool"))).isEqualTo("tool\n");
    assertThat(empty.resolve("archives/rootfs.tar.xz"))
        .hasSameBinaryContentAs(ctx.resolve("rootfs.tar.xz"));
  }
}
