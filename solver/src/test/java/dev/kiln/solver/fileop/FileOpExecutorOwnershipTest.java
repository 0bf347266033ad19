package dev.kiln.solver.fileop;

import static dev.kiln.solver.fileop.Fixture.dir;
import static dev.kiln.solver.fileop.Fixture.dockerCopy;
import static dev.kiln.solver.fileop.Fixture.file;
import static dev.kiln.solver.fileop.Fixture.gid;
import static dev.kiln.solver.fileop.Fixture.op;
import static dev.kiln.solver.fileop.Fixture.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.Owner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ownership needs root: CI runs as root, and these tests fail (not skip) otherwise. */
class FileOpExecutorOwnershipTest {
  @TempDir Path tmp;
  Path ctx;
  Path dest;
  final FileOpExecutor executor = new FileOpExecutor(new FileOpExecutor.Options(true, null));

  @BeforeEach
  void setUp() throws Exception {
    ctx = dir(tmp, "ctx");
    dest = dir(tmp, "dest");
    file(
        dest,
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\n# comment\napp:x:1234:2345::/home/app:/bin/sh\n",
        0644);
    file(dest, "etc/group", "root:x:0:\nstaff:x:50:app\n", 0644);
    file(ctx, "d/f", "f", 0644);
    dir(ctx, "d/sub");
  }

  private void run(FileAction... actions) throws FileOpException {
    executor.execute(op(actions), dest, List.of(FileOpInput.of(0, dest), FileOpInput.context(ctx)));
  }

  @Test
  void copy_chownByUserName_usesUidAndPrimaryGidFromDestPasswd() throws Exception {
    run(dockerCopy("/d", "/new/app").withOwner(Owner.parse("app")));
    for (String p : List.of("new/app", "new/app/f", "new/app/sub")) {
      assertThat(uid(dest.resolve(p))).as(p).isEqualTo(1234);
      assertThat(gid(dest.resolve(p))).as(p).isEqualTo(2345);
    }
    // Destination parents created for the copy get the owner too, as BuildKit's MkdirAll does.
    assertThat(uid(dest.resolve("new"))).isEqualTo(1234);
  }

  @Test
  void copy_intoExistingDirs_keepsTheTargetsOwnerChownsWhatTheTreeHas() throws Exception {
    // BuildKit's testCopyChownExistingDir, plus an existing directory the copied tree also has:
    // fsutil gives it the copy's metadata (overwriteTargetMetadata below the top level)
    dir(dest, "existingdir/existingsubdir");
    file(dest, "existingdir/existingfile", "e", 0644);
    chown(dest.resolve("existingdir"), 500, 600);
    chown(dest.resolve("existingdir/existingsubdir"), 501, 601);
    chown(dest.resolve("existingdir/existingfile"), 501, 601);
    dir(ctx, "src/existingsubdir");
    file(ctx, "src/existingfile", "new", 0644);
    file(ctx, "src/subdir/nested", "n", 0644);
    chown(ctx.resolve("src"), 100, 200);
    chown(ctx.resolve("src/subdir"), 101, 201);

    run(
        dockerCopy("/src", "/dir"),
        dockerCopy("/src", "/existingdir").withOwner(Owner.parse("300:400")));

    assertThat(owner("dir")).isEqualTo("0:0");
    assertThat(owner("dir/subdir")).isEqualTo("101:201");
    assertThat(owner("existingdir")).isEqualTo("500:600");
    assertThat(owner("existingdir/existingsubdir")).isEqualTo("300:400");
    assertThat(owner("existingdir/subdir")).isEqualTo("300:400");
    assertThat(owner("existingdir/subdir/nested")).isEqualTo("300:400");
    // an existing file is replaced, so it is the copy's
    assertThat(owner("existingdir/existingfile")).isEqualTo("300:400");
  }

  private void chown(Path p, int uid, int gid) throws Exception {
    Files.setAttribute(p, "unix:uid", uid);
    Files.setAttribute(p, "unix:gid", gid);
  }

  private String owner(String rel) throws Exception {
    return uid(dest.resolve(rel)) + ":" + gid(dest.resolve(rel));
  }

  @Test
  void copy_chownUserAndGroupNames_resolvesBoth() throws Exception {
    run(dockerCopy("/d/f", "/f").withOwner(Owner.parse("app:staff")));
    assertThat(uid(dest.resolve("f"))).isEqualTo(1234);
    assertThat(gid(dest.resolve("f"))).isEqualTo(50);
  }

  @Test
  void copy_chownNumericUser_gidDefaultsToUid() throws Exception {
    run(
        dockerCopy("/d/f", "/f").withOwner(Owner.parse("1001")),
        dockerCopy("/d/f", "/g").withOwner(Owner.parse("7:8")));
    assertThat(uid(dest.resolve("f"))).isEqualTo(1001);
    assertThat(gid(dest.resolve("f"))).isEqualTo(1001);
    assertThat(uid(dest.resolve("g"))).isEqualTo(7);
    assertThat(gid(dest.resolve("g"))).isEqualTo(8);
  }

  @Test
  void copy_unknownUserOrGroup_resolvedAsBuildKit() throws Exception {
    // BuildKit's readUser: an unknown user is 0:0, an unknown group keeps the user's gid, and an
    // empty user (":staff") is an unknown one.
    run(
        dockerCopy("/d/f", "/u").withOwner(Owner.parse("nobody")),
        dockerCopy("/d/f", "/g").withOwner(Owner.parse("app:wheel")),
        dockerCopy("/d/f", "/n").withOwner(Owner.parse("nobody:staff")),
        dockerCopy("/d/f", "/e").withOwner(Owner.parse(":staff")));
    assertThat(List.of(uid(dest.resolve("u")), gid(dest.resolve("u")))).containsExactly(0, 0);
    assertThat(List.of(uid(dest.resolve("g")), gid(dest.resolve("g")))).containsExactly(1234, 2345);
    assertThat(List.of(uid(dest.resolve("n")), gid(dest.resolve("n")))).containsExactly(0, 50);
    assertThat(List.of(uid(dest.resolve("e")), gid(dest.resolve("e")))).containsExactly(0, 50);
  }

  @Test
  void copy_noPasswdFile_userNameIsRoot_passwdThatIsNoFileFails() throws Exception {
    Files.delete(dest.resolve("etc/passwd"));
    run(dockerCopy("/d/f", "/f").withOwner(Owner.parse("app")));
    assertThat(List.of(uid(dest.resolve("f")), gid(dest.resolve("f")))).containsExactly(0, 0);

    Files.createDirectory(dest.resolve("etc/passwd"));
    assertThatThrownBy(() -> run(dockerCopy("/d/f", "/g").withOwner(Owner.parse("app"))))
        .isInstanceOf(FileOpException.class)
        .hasMessage("COPY --chown: /etc/passwd of the image is not a regular file");
  }

  @Test
  void copy_passwdSymlinkedOutsideRoot_isReadInsideRoot() throws Exception {
    Path hostPasswd = file(tmp, "hostetc/passwd", "evil:x:4242:4242::/:/bin/sh\n", 0644);
    Files.delete(dest.resolve("etc/passwd"));
    Files.createSymbolicLink(dest.resolve("etc/passwd"), hostPasswd);

    run(dockerCopy("/d/f", "/f").withOwner(Owner.parse("evil")));

    // the link's target resolves inside the destination, where it does not exist: unknown user
    assertThat(uid(dest.resolve("f"))).isZero();
  }

  @Test
  void copy_withoutChown_keepsSourceOwnership() throws Exception {
    Files.setAttribute(ctx.resolve("d/f"), "unix:uid", 321);
    Files.setAttribute(ctx.resolve("d/f"), "unix:gid", 654);
    run(dockerCopy("/d/f", "/f"));
    assertThat(uid(dest.resolve("f"))).isEqualTo(321);
    assertThat(gid(dest.resolve("f"))).isEqualTo(654);
  }

  @Test
  void copy_unprivileged_skipsOwnership() throws Exception {
    FileOpExecutor unprivileged = new FileOpExecutor(new FileOpExecutor.Options(false, null));
    unprivileged.execute(
        op(dockerCopy("/d/f", "/f").withOwner(Owner.parse("1001"))),
        dest,
        List.of(FileOpInput.of(0, dest), FileOpInput.context(ctx)));
    assertThat(uid(dest.resolve("f"))).isEqualTo(uid(dest));
  }

  @Test
  void mkdirAndMkfile_ownerByName_applied() throws Exception {
    Owner app = Owner.parse("app");
    run(
        new FileAction.Mkdir("/home/app/data", -1, true, app),
        new FileAction.Mkfile("/home/app/data/x", -1, new byte[] {1}, app));
    assertThat(uid(dest.resolve("home"))).isEqualTo(1234);
    assertThat(uid(dest.resolve("home/app/data"))).isEqualTo(1234);
    assertThat(gid(dest.resolve("home/app/data/x"))).isEqualTo(2345);
  }

  @Test
  void symlinkInTree_chownAppliesToTheLinkItself() throws Exception {
    Files.createSymbolicLink(ctx.resolve("d/link"), Path.of("f"));
    run(dockerCopy("/d", "/app").withOwner(Owner.parse("1001")));
    assertThat(uid(dest.resolve("app/link"))).isEqualTo(1001);
    assertThat(uid(ctx.resolve("d/f"))).isZero();
  }
}
