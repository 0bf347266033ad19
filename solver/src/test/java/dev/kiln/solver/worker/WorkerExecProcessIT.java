package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.solver.scheduler.SolveException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RUN's process context, failure and output through Scheduler + LocalWorker with real runc. */
class WorkerExecProcessIT {

  @TempDir Path tmp;
  private ExecHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new ExecHarness(tmp.resolve("state"), BusyboxImage.create(tmp.resolve("image")));
  }

  private Path rootfs(Definition def) throws Exception {
    ExecHarness.Solved run = harness.solve(def);
    return run.worker().snapshot(run.result().outputs().get(0));
  }

  @Test
  void solve_envCwdAndUserByName_processSeesThemAsInDocker() throws Exception {
    Definition def =
        ExecHarness.busybox()
            .withEnv("FOO", "bar baz")
            .withCwd("/work/sub")
            .withUser("app")
            .run(
                Run.shell(
                    "echo \"$FOO\" > /tmp/foo; pwd > /tmp/pwd; id -u > /tmp/uid; id -G > /tmp/groups;"
                        + " echo \"$HOME\" > /tmp/home; touch mine"))
            .root()
            .definition();

    Path rootfs = rootfs(def);

    assertThat(Files.readString(rootfs.resolve("tmp/foo"))).isEqualTo("bar baz\n");
    assertThat(Files.readString(rootfs.resolve("tmp/pwd"))).isEqualTo("/work/sub\n");
    assertThat(Files.readString(rootfs.resolve("tmp/uid"))).isEqualTo("1000\n");
    // Primary group from /etc/passwd, supplementary from /etc/group (staff lists app).
    assertThat(Files.readString(rootfs.resolve("tmp/groups"))).isEqualTo("1000 50\n");
    assertThat(Files.readString(rootfs.resolve("tmp/home"))).isEqualTo("/home/app\n");
    // The missing cwd was created for the user, who could write into it.
    assertThat(
            Files.getAttribute(rootfs.resolve("work/sub"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(1000);
    assertThat(
            Files.getAttribute(
                rootfs.resolve("work/sub/mine"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(1000);
  }

  @Test
  void solve_userUidGid_processRunsWithThoseIds() throws Exception {
    Definition def =
        ExecHarness.busybox()
            .withUser("1234:50")
            .run(Run.shell("id -u > /tmp/uid; id -g > /tmp/gid; echo \"$PATH\" > /tmp/path"))
            .root()
            .definition();

    Path rootfs = rootfs(def);

    assertThat(Files.readString(rootfs.resolve("tmp/uid"))).isEqualTo("1234\n");
    assertThat(Files.readString(rootfs.resolve("tmp/gid"))).isEqualTo("50\n");
    assertThat(Files.readString(rootfs.resolve("tmp/path"))).contains("/usr/bin:", "/bin");
    assertThat(Files.getAttribute(rootfs.resolve("tmp/uid"), "unix:gid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(50);
  }

  @Test
  void solve_runExitingNonZero_failsNamingStepCommandExitCodeAndLastLines() {
    Definition def =
        ExecHarness.busybox()
            .run(Run.shell("echo first; echo boom; exit 3").named("RUN boom"))
            .root()
            .definition();

    assertThatThrownBy(() -> harness.solve(def))
        .isInstanceOfSatisfying(
            SolveException.class, e -> assertThat(e.step()).isEqualTo("RUN boom"))
        .hasMessageContaining("step 'RUN boom'")
        .hasMessageContaining("echo first; echo boom; exit 3")
        .hasMessageContaining("exit code: 3")
        .hasMessageContaining("\n  first\n  boom");
  }

  @Test
  void solve_runWritingBothStreams_linesReachTheProgressListener() throws Exception {
    Definition def =
        ExecHarness.busybox()
            .run(Run.shell("echo out-1; echo err-1 >&2; echo out-2").named("talk"))
            .root()
            .definition();
    Events events = new Events();

    harness.solve(def, events);

    assertThat(events.logs()).contains("STDOUT out-1", "STDERR err-1", "STDOUT out-2");
    assertThat(events.logs()).containsSubsequence("STDOUT out-1", "STDOUT out-2");
  }

  @Test
  void solve_readOnlyBindOfAnotherStage_processReadsItAndCannotWriteIt() throws Exception {
    State other =
        ExecHarness.busybox().run(Run.shell("mkdir /out && echo built > /out/artifact")).root();
    Definition def =
        ExecHarness.busybox()
            .run(
                Run.shell("cat /in/artifact > /copied; touch /in/x 2>/dev/null || echo ro > /ro")
                    .mount("/in", other, "/out", true))
            .root()
            .definition();

    Path rootfs = rootfs(def);

    assertThat(Files.readString(rootfs.resolve("copied"))).isEqualTo("built\n");
    assertThat(Files.readString(rootfs.resolve("ro"))).isEqualTo("ro\n");
    assertThat(rootfs.resolve("in")).doesNotExist();
  }
}
