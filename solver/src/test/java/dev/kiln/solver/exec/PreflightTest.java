package dev.kiln.solver.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {

  @TempDir Path tmp;

  @Test
  void problem_noRunc_namesTheDebianPackage() {
    assertThat(Preflight.problem(Optional.empty(), 0))
        .hasValue(
            "RUN needs the runc executor: install the Debian package runc (runc not found on PATH)");
  }

  @Test
  void problem_notRoot_saysRootlessIsUnsupported() {
    assertThat(Preflight.problem(Optional.of(Path.of("/usr/sbin/runc")), 1000))
        .hasValue("RUN needs root (rootless runc is not supported yet)");
  }

  @Test
  void problem_runcAndRoot_none() {
    assertThat(Preflight.problem(Optional.of(Path.of("/usr/sbin/runc")), 0)).isEmpty();
  }

  @Test
  void findOnPath_executableInPathDir_found() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path tool = Files.createFile(bin.resolve("kiln-test-tool"));
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(Preflight.findOnPath("kiln-test-tool", "/nonexistent:" + bin)).hasValue(tool);
    assertThat(Preflight.findOnPath("kiln-no-such-tool", bin.toString())).isEmpty();
  }

  @Test
  void run_withoutRunc_failsWithTheOneLine() {
    try (RuncExecutor executor = new RuncExecutor(tmp.resolve("state"), Optional.empty())) {
      ExecRequest req = ExecRequest.of(tmp, List.of("true"));
      assertThatThrownBy(() -> executor.run(req, OutputListener.DISCARD))
          .isInstanceOf(ExecUnavailableException.class)
          .hasMessage(Preflight.NO_RUNC);
    }
  }
}
