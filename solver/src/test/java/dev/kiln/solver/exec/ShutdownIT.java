package dev.kiln.solver.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Terminating kiln (SIGTERM, as Ctrl-C's shutdown path) mid-RUN leaves nothing behind. */
class ShutdownIT {

  @TempDir Path tmp;

  @Test
  void jvmTerminatedDuringRun_noContainerMountOrBundleLeft() throws Exception {
    Path lower = BusyboxRootfs.create(Files.createDirectories(tmp.resolve("lower")), true);
    Path state = tmp.resolve("state");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    InterruptedBuildMain.class.getName(),
                    lower.toString(),
                    tmp.resolve("snapshots").toString(),
                    state.toString()))
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("started");
      assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(tmp.toString());
      child.destroy();
      // Generous bound: without the hooks the container would keep the child for 60 s.
      assertThat(child.waitFor(45, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(
            new Runc(
                    Preflight.findOnPath("runc", System.getenv("PATH")).orElseThrow(),
                    state.resolve("runc"))
                .list())
        .isEmpty();
    try (Stream<Path> bundles = Files.list(state.resolve("bundles"))) {
      assertThat(bundles).isEmpty();
    }
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(tmp.toString());
  }
}
