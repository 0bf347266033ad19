package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ToolsTest {
  @Test
  void require_presentProgram_returnsExecutablePath() {
    assertThat(Files.isExecutable(Tools.require("sh"))).isTrue();
  }

  @Test
  void require_missingProgram_failsWithInstallHint() {
    assertThatThrownBy(() -> Tools.require("kiln-no-such-program"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("'kiln-no-such-program' was not found on PATH")
        .hasMessageContaining("apt-get install");
  }

  @Test
  void run_successfulCommand_capturesBothStreams() {
    ProcessResult result =
        ProcessRunner.of("sh", "-c", "echo out; echo err >&2; cat").stdin("in".getBytes()).run();

    assertThat(result.assertSuccess().stdout()).isEqualTo("out\nin");
    assertThat(result.stderr()).isEqualTo("err\n");
  }

  @Test
  void run_failingCommand_assertSuccessReportsOutput() {
    ProcessResult result = ProcessRunner.of("sh", "-c", "echo boom >&2; exit 3").run();

    assertThat(result.exitCode()).isEqualTo(3);
    assertThatThrownBy(result::assertSuccess)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exited with 3")
        .hasMessageContaining("boom");
  }

  @Test
  void run_exceedsTimeout_killsAndFails() {
    ProcessRunner runner = ProcessRunner.of("sleep", "30").timeout(Duration.ofMillis(200));

    assertThatThrownBy(runner::run)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not finish within");
  }
}
