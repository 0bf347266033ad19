package dev.kiln.solver.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real containers with the host's runc, as root. */
class RuncExecutorIT {

  @TempDir Path tmp;
  private Path rootfs;
  private RuncExecutor executor;

  @BeforeEach
  void setUp() throws IOException {
    rootfs = BusyboxRootfs.create(Files.createDirectories(tmp.resolve("rootfs")), true);
    executor = new RuncExecutor(tmp.resolve("state"));
  }

  @AfterEach
  void noLeftovers() throws Exception {
    try {
      assertNothingLeft();
    } finally {
      executor.close();
    }
  }

  private void assertNothingLeft() throws IOException, InterruptedException {
    assertThat(
            new Runc(
                    Preflight.findOnPath("runc", System.getenv("PATH")).orElseThrow(),
                    executor.runcStateDir())
                .list())
        .isEmpty();
    if (Files.exists(executor.bundlesDir())) {
      try (Stream<Path> s = Files.list(executor.bundlesDir())) {
        assertThat(s).isEmpty();
      }
    }
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(tmp.toString());
  }

  private List<String> run(ExecRequest req) throws Exception {
    CollectingListener out = new CollectingListener();
    executor.run(req, out);
    return out.stdout();
  }

  private ExecRequest sh(String script) {
    return ExecRequest.of(rootfs, List.of("sh", "-c", script));
  }

  @Test
  void run_echo_streamsStdoutAndStderr() throws Exception {
    CollectingListener out = new CollectingListener();
    ExecResult result = executor.run(sh("echo hello; echo oops >&2"), out);
    assertThat(result.exitCode()).isZero();
    assertThat(out.stdout()).containsExactly("hello");
    assertThat(out.stderr()).containsExactly("oops");
  }

  @Test
  void run_exitCode3_failsWithCommandCodeAndTail() {
    ExecRequest req = sh("for i in $(seq 1 30); do echo line$i; done; exit 3");
    assertThatThrownBy(() -> executor.run(req, OutputListener.DISCARD))
        .isInstanceOfSatisfying(
            ExecFailedException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(3);
              assertThat(e.command()).isEqualTo(req.args());
              assertThat(e.outputTail()).hasSize(RuncExecutor.TAIL_LINES).endsWith("line30");
              assertThat(e.getMessage()).contains("exit code: 3").contains("line30");
            });
  }

  @Test
  void run_envAndMissingCwd_envSetAndCwdCreated() throws Exception {
    List<String> out =
        run(sh("pwd; echo $GREETING; echo $PATH").withEnv(List.of("GREETING=hi")).withCwd("/w/x"));
    assertThat(out).containsExactly("/w/x", "hi", RuntimeSpec.DEFAULT_PATH);
    assertThat(Files.isDirectory(rootfs.resolve("w/x"))).isTrue();
  }

  @Test
  void run_userByName_runsAsAppWithSupplementaryGroupAndOwnedCwd() throws Exception {
    List<String> out = run(sh("id").withUser("app").withCwd("/home/app/new"));
    // the primary group is among the supplementary ones too, as BuildKit (v0.12+) sets them
    assertThat(out).containsExactly("uid=1000(app) gid=1000(app) groups=50(staff),1000(app)");
    assertThat(Files.getAttribute(rootfs.resolve("home/app/new"), "unix:uid")).isEqualTo(1000);
  }

  @Test
  void run_userByUidGid_runsWithThoseIds() throws Exception {
    assertThat(run(sh("id -u; id -g").withUser("1000:50"))).containsExactly("1000", "50");
  }

  @Test
  void run_unknownUser_failsNamingTheUser() {
    assertThatThrownBy(() -> executor.run(sh("id").withUser("nobody"), OutputListener.DISCARD))
        .isInstanceOf(ExecException.class)
        .hasMessage("unable to find user nobody: no matching entries in passwd file");
  }

  @Test
  void run_hostname_isSetAndResolvesViaHosts() throws Exception {
    assertThat(run(sh("hostname; grep -c myhost /etc/hosts").withHostname("myhost")))
        .containsExactly("myhost", "1");
  }

  @Test
  void run_extraHosts_appendedToHostsAsBuildKit() throws Exception {
    ExecRequest req =
        sh("cat /etc/hosts")
            .withExtraHosts(
                List.of(
                    new ExecRequest.HostEntry("db", "10.1.2.3"),
                    new ExecRequest.HostEntry("v6", "fd00::1")));
    assertThat(run(req))
        .containsExactly(
            "127.0.0.1\tlocalhost buildkitsandbox",
            "::1\tlocalhost ip6-localhost ip6-loopback",
            "10.1.2.3\tdb",
            "fd00::1\tv6");
  }

  @Test
  void run_defaults_dockerCapsDevicesAndReadOnlySys() throws Exception {
    List<String> out =
        run(
            sh(
                "grep CapBnd /proc/self/status; test -c /dev/null && test -c /dev/urandom"
                    + " && echo devices; touch /sys/x 2>/dev/null || echo sys-ro;"
                    + " test -d /dev/pts && test -d /dev/shm && echo dirs"));
    assertThat(out).containsExactly("CapBnd:\t00000000a80425fb", "devices", "sys-ro", "dirs");
  }

  @Test
  void run_networkNone_onlyLoopbackUp() throws Exception {
    assertThat(run(sh("ls /sys/class/net; cat /sys/class/net/lo/operstate")))
        .containsExactly("lo", "unknown");
  }

  @Test
  void run_networkHost_seesHostInterfaces() throws Exception {
    List<String> host;
    try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
      host = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    List<String> out = run(sh("ls -1 /sys/class/net").withNetwork(NetworkMode.HOST));
    assertThat(out).containsExactlyElementsOf(host);
  }

  @Test
  void run_readOnlyBind_readableButNotWritable() throws Exception {
    Path input = Files.createDirectories(tmp.resolve("input"));
    Files.writeString(input.resolve("f"), "data\n");
    ExecRequest req =
        sh("cat /in/f; touch /in/g 2>/dev/null && echo wrote || echo ro")
            .withMounts(List.of(Mount.bind(input, "/in", true)));
    assertThat(run(req)).containsExactly("data", "ro");
    assertThat(input.resolve("g")).doesNotExist();
    // The mount point runc had to create is not left in the rootfs (it would land in the layer).
    assertThat(rootfs.resolve("in")).doesNotExist();
  }

  @Test
  void run_readWriteBind_writesReachTheSource() throws Exception {
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    run(sh("echo x > /cache/f").withMounts(List.of(Mount.bind(cache, "/cache", false))));
    assertThat(cache.resolve("f")).hasContent("x");
  }

  @Test
  void run_tmpfs_writableAndNotInRootfs() throws Exception {
    ExecRequest req =
        sh("echo x > /scratch/f && cat /scratch/f").withMounts(List.of(Mount.tmpfs("/scratch")));
    assertThat(run(req)).containsExactly("x");
    assertThat(rootfs.resolve("scratch")).doesNotExist();
  }

  @Test
  void run_imageWithoutEtcNetFiles_generatedFilesMountedAndStubsRemoved() throws Exception {
    Path bare = BusyboxRootfs.create(Files.createDirectories(tmp.resolve("bare")), false);
    List<String> out = run(ExecRequest.of(bare, List.of("cat", "/etc/resolv.conf")));
    assertThat(out).singleElement().asString().contains("no name servers");
    assertThat(bare.resolve("etc/resolv.conf")).doesNotExist();
    assertThat(bare.resolve("etc/hosts")).doesNotExist();
    assertThat(Files.readString(rootfs.resolve("etc/hosts"))).isEqualTo("# image's own\n");
  }

  @Test
  void run_stubParents_onlyDirectoriesTheProcessLeftAlone_withTheirMetadataFromBefore()
      throws Exception {
    Path bare = BusyboxRootfs.create(Files.createDirectories(tmp.resolve("bare2")), false);
    DirMetadata etc = DirMetadata.of(bare.resolve("etc"));
    ExecResult quiet = executor.run(ExecRequest.of(bare, List.of("true")), (s, l) -> {});
    assertThat(quiet.stubParents()).containsOnlyKeys("etc");
    assertThat(quiet.stubParents().get("etc")).isEqualTo(etc);
    assertThat(DirMetadata.of(bare.resolve("etc"))).isEqualTo(etc);

    // a process that writes into /etc changes it: no longer a stub parent
    ExecResult busy =
        executor.run(ExecRequest.of(bare, List.of("sh", "-c", "echo x > /etc/new")), (s, l) -> {});
    assertThat(busy.stubParents()).doesNotContainKey("etc");
  }

  @Test
  void run_interrupted_killsContainerAndCleansUp() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                executor.run(sh("echo started; sleep 60"), (s, l) -> started.countDown());
              } catch (Throwable e) {
                outcome.set(e);
              }
            });
    t.start();
    assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
    t.interrupt();
    // Generous bound: the container would sleep for 60 s if the kill did not work.
    t.join(TimeUnit.SECONDS.toMillis(45));
    assertThat(t.isAlive()).isFalse();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void run_closeWhileRunning_killsContainer() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<ExecResult> f =
          pool.submit(
              () -> executor.run(sh("echo started; sleep 60"), (s, l) -> started.countDown()));
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
      executor.close();
      assertThatThrownBy(() -> f.get(45, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ExecFailedException.class)
          .cause()
          .satisfies(e -> assertThat(((ExecFailedException) e).exitCode()).isEqualTo(137));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void run_twoContainersInParallel_bothComplete() throws Exception {
    Path second = BusyboxRootfs.create(Files.createDirectories(tmp.resolve("second")), true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // Each waits until the other one is running, so they really overlap.
      Path shared = Files.createDirectories(tmp.resolve("shared"));
      String script =
          "touch /s/$(hostname); while [ $(ls /s | wc -l) -lt 2 ]; do sleep 0.1; done;"
              + " hostname";
      Future<List<String>> a =
          pool.submit(
              () -> {
                return run(
                    sh(script)
                        .withHostname("a")
                        .withMounts(List.of(Mount.bind(shared, "/s", false))));
              });
      Future<List<String>> b =
          pool.submit(
              () -> {
                return run(
                    ExecRequest.of(second, List.of("sh", "-c", script))
                        .withHostname("b")
                        .withMounts(List.of(Mount.bind(shared, "/s", false))));
              });
      assertThat(a.get(60, TimeUnit.SECONDS)).containsExactly("a");
      assertThat(b.get(60, TimeUnit.SECONDS)).containsExactly("b");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void run_symlinkedPasswdEscapingRootfs_readsInsideRootfs() throws Exception {
    Path etc = rootfs.resolve("etc");
    Files.move(etc.resolve("passwd"), etc.resolve("passwd.real"));
    Files.createSymbolicLink(etc.resolve("passwd"), Path.of("../../../../../etc/passwd.real"));
    assertThat(run(sh("id -u").withUser("app"))).containsExactly("1000");
    assertThat(Files.exists(etc.resolve("passwd"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }
}
