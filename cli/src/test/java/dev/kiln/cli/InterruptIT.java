package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.BusyboxContext;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.Tools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during a RUN: the kiln process (the shaded jar, as a user runs it) stops the container and
 * leaves no runc container, mount or temporary directory behind.
 */
class InterruptIT {

  @TempDir Path tmp;

  @Test
  void sigint_duringRun_killsTheContainerAndLeavesNothingBehind() throws Exception {
    Tools.require("runc");
    Path context = BusyboxContext.create(tmp.resolve("ctx"));
    Files.writeString(
        context.resolve("Dockerfile"), "FROM scratch\nCOPY . /\nRUN echo started && sleep 300\n");
    Path root = tmp.resolve("root");
    Process kiln =
        new ProcessBuilder(
                "java",
                "-jar",
                Path.of("target/kiln.jar").toAbsolutePath().toString(),
                "build",
                "--root",
                root.toString(),
                "--progress=plain",
                context.toString())
            .redirectErrorStream(true)
            .start();
    CountDownLatch running = new CountDownLatch(1);
    StringBuilder output = new StringBuilder();
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(kiln.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  if (line.endsWith(" started")) {
                    running.countDown();
                  }
                }
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try {
      assertThat(running.await(3, TimeUnit.MINUTES)).as("RUN started: %s", output).isTrue();
      Path runcRoot = root.resolve("worker/exec/runc");
      assertThat(runcList(runcRoot)).isNotEmpty();

      ProcessRunner.of("kill", "-INT", Long.toString(kiln.pid())).run().assertSuccess();

      assertThat(kiln.waitFor(60, TimeUnit.SECONDS)).as("kiln exited: %s", output).isTrue();
      reader.join();
      assertThat(kiln.exitValue()).isNotZero();
      assertThat(runcList(runcRoot)).isEmpty();
      assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(root.toString());
      assertThat(entries(root.resolve("worker/tmp"))).isEmpty();
      assertThat(entries(root.resolve("worker/runs"))).isEmpty();
      assertThat(entries(root.resolve("worker/exec/bundles"))).isEmpty();
      assertThat(output.toString()).contains("interrupted");
    } finally {
      kiln.destroyForcibly();
    }
  }

  private static String runcList(Path runcRoot) {
    return ProcessRunner.of("runc", "--root", runcRoot.toString(), "list", "--quiet")
        .timeout(Duration.ofSeconds(30))
        .run()
        .assertSuccess()
        .stdout()
        .strip();
  }

  private static List<Path> entries(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
