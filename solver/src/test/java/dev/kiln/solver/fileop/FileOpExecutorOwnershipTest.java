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
  void copy_unknownUserOrGroup_failsNamingIt() {
    assertThatThrownBy(() -> run(dockerCopy("/d/f", "/f").withOwner(Owner.parse("nobody"))))
        .isInstanceOf(FileOpException.class)
        .hasMessage("COPY --chown: unknown user 'nobody': not found in /etc/passwd of the image");
    assertThatThrownBy(() -> run(dockerCopy("/d/f", "/f").withOwner(Owner.parse("app:wheel"))))
        .hasMessage("COPY --chown: unknown group 'wheel': not found in /etc/group of the image");
  }

  @Test
  void copy_passwdSymlinkedOutsideRoot_isReadInsideRoot() throws Exception {
    Path hostPasswd = file(tmp, "hostetc/passwd", "evil:x:4242:4242::/:/bin/sh\n", 0644);
    Files.delete(dest.resolve("etc/passwd"));
    Files.createSymbolicLink(dest.resolve("etc/passwd"), hostPasswd);
    assertThatThrownBy(() -> run(dockerCopy("/d/f", "/f").withOwner(Owner.parse("evil"))))
        .hasMessage(
            "COPY --chown: unknown user 'evil': the destination has no /etc/passwd (use a numeric id)");
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
