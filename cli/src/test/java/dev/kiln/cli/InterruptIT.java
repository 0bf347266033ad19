package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.solver.snapshot.OverlaySnapshotter;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during a RUN: the kiln process (the shaded jar, as a user runs it) stops the container and
 * leaves no runc container, mount or temporary directory behind. {@code kill -9} leaves them (no
 * hook runs); the next build on the same root removes them. Either way the next build succeeds.
 */
class InterruptIT {

  @TempDir Path tmp;

  @Test
  void sigint_duringRun_killsTheContainerAndLeavesNothingBehind() throws Exception {
    Path context = sleepingBuild();
    Path root = tmp.resolve("root");
    Started kiln = startUntilRunning(root, context);
    try {
      Path runcRoot = root.resolve("worker/exec/runc");
      assertThat(runcList(runcRoot)).isNotEmpty();

      ProcessRunner.of("kill", "-INT", Long.toString(kiln.process().pid())).run().assertSuccess();

      assertThat(kiln.process().waitFor(60, TimeUnit.SECONDS))
          .as("kiln exited: %s", kiln.output())
          .isTrue();
      kiln.reader().join();
      assertThat(kiln.process().exitValue()).isNotZero();
      assertThat(runcList(runcRoot)).isEmpty();
      assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(root.toString());
      assertThat(entries(root.resolve("worker/tmp"))).isEmpty();
      assertThat(entries(root.resolve("worker/runs"))).allMatch(InterruptIT::probeMarker);
      assertThat(entries(root.resolve("worker/exec/bundles"))).isEmpty();
      assertThat(kiln.output().toString()).contains("interrupted");
      assertNextBuildSucceeds(root, context);
    } finally {
      kiln.process().destroyForcibly();
    }
  }

  @Test
  void sigkill_duringRun_nextBuildCleansUpAndSucceeds() throws Exception {
    Path context = sleepingBuild();
    Path root = tmp.resolve("root");
    Started kiln = startUntilRunning(root, context);
    try {
      ProcessRunner.of("kill", "-KILL", Long.toString(kiln.process().pid())).run().assertSuccess();
      assertThat(kiln.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
      kiln.reader().join();
      // No hook ran: the container, its overlay mount and the work dirs are still there.
      assertThat(runcList(root.resolve("worker/exec/runc"))).isNotEmpty();

      assertNextBuildSucceeds(root, context);
    } finally {
      kiln.process().destroyForcibly();
    }
  }

  /**
   * A build on {@code root} after the interrupted one succeeds and leaves no container, mount or
   * work directory.
   */
  private void assertNextBuildSucceeds(Path root, Path context) throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"), "FROM scratch\nCOPY . /\nRUN echo again > /again\n");
    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of(),
            "build",
            "--root",
            root.toString(),
            "--progress=plain",
            "-o",
            "type=local,dest=" + tmp.resolve("out"),
            context.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("out/again")).hasContent("again");
    assertThat(runcList(root.resolve("worker/exec/runc"))).isEmpty();
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(root.toString());
    assertThat(entries(root.resolve("worker/runs"))).allMatch(InterruptIT::probeMarker);
    assertThat(entries(root.resolve("worker/tmp"))).isEmpty();
  }

  /** The overlay probe's remembered outcome, which stays in {@code worker/runs} by design. */
  private static boolean probeMarker(Path entry) {
    return entry.getFileName().toString().equals(OverlaySnapshotter.PROBE_MARKER);
  }

  /** A busybox context whose RUN prints "started" and sleeps for five minutes. */
  private Path sleepingBuild() throws Exception {
    Tools.require("runc");
    Path context = BusyboxContext.create(tmp.resolve("ctx"));
    Files.writeString(
        context.resolve("Dockerfile"), "FROM scratch\nCOPY . /\nRUN echo started && sleep 300\n");
    return context;
  }

  /** kiln (the shaded jar) started on {@code context}, once its RUN printed "started". */
  private record Started(Process process, StringBuilder output, CompletableFuture<Void> reader) {}

  private static Started startUntilRunning(Path root, Path context) throws Exception {
    Process kiln =
        // `env --default-signal=INT` execs java (same pid) with SIGINT's default disposition: a
        // shell running the test suite as a background job hands its children SIGINT ignored,
        // and a JVM started so never sees Ctrl-C (it keeps an ignored SIGINT ignored).
        new ProcessBuilder(
                "env",
                "--default-signal=INT",
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
    if (!running.await(3, TimeUnit.MINUTES)) {
      kiln.destroyForcibly();
      throw new AssertionError("RUN did not start: " + output);
    }
    return new Started(kiln, output, reader);
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
