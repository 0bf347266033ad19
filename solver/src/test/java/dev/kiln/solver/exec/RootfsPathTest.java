package dev.kiln.solver.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsPathTest {

  @TempDir Path root;

  @Test
  void resolve_absoluteSymlink_staysInRootfs() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/etc/shadow"));
    assertThat(RootfsPath.resolve(root, "/etc/passwd")).isEqualTo(root.resolve("etc/shadow"));
  }

  @Test
  void resolve_dotDotBeyondRoot_clampedToRootfs() throws Exception {
    Files.createDirectories(root.resolve("a"));
    Files.createSymbolicLink(root.resolve("a/up"), Path.of("../../../../x"));
    assertThat(RootfsPath.resolve(root, "/a/up/y")).isEqualTo(root.resolve("x/y"));
    assertThat(RootfsPath.resolve(root, "../../etc")).isEqualTo(root.resolve("etc"));
  }

  @Test
  void resolve_relativeDirectorySymlink_followedWithinRootfs() throws Exception {
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
    assertThat(RootfsPath.resolve(root, "/bin/sh")).isEqualTo(root.resolve("usr/bin/sh"));
    assertThat(RootfsPath.resolve(root, "/")).isEqualTo(root);
  }

  @Test
  void resolve_symlinkLoop_fails() throws IOException {
    Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
    assertThatThrownBy(() -> RootfsPath.resolve(root, "/a"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("too many levels of symbolic links");
  }
}
