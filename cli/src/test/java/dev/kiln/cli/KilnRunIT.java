package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.ProcessResult;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUN through {@code kiln build} with real runc on a busybox base image (built by kiln from
 * busybox-static and pushed to a real registry); results checked by running the image with docker.
 */
class KilnRunIT extends BusyboxRegistry.Fixture {

  @TempDir Path tmp;
  Path context;
  Path root;

  @BeforeAll
  static void requireTools() {
    Tools.require("runc");
  }

  @BeforeEach
  void dirs() throws Exception {
    context = Files.createDirectories(tmp.resolve("ctx"));
    root = tmp.resolve("root");
  }

  private Kiln.Run build(String dockerfile, String... extra) throws Exception {
    return build(Map.of(), dockerfile, extra);
  }

  private Kiln.Run build(Map<String, String> env, String dockerfile, String... extra)
      throws Exception {
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    List<String> args = new ArrayList<>(List.of("build", "--root", root.toString()));
    args.add("--progress=plain");
    args.add("--build-arg");
    args.add("BASE=" + base);
    args.addAll(List.of(extra));
    args.add(context.toString());
    return Kiln.run(tmp, env, args.toArray(String[]::new));
  }

  private static ProcessResult run(String... cmd) {
    return ProcessRunner.of(cmd).timeout(Duration.ofMinutes(3)).run();
  }

  private static String ok(String... cmd) {
    return run(cmd).assertSuccess().stdout();
  }

  private String pushAndPull(String dockerfile, String... extra) throws Exception {
    String ref = host + "/kiln-it/run:" + UUID.randomUUID().toString().substring(0, 8);
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(List.of("-t", ref, "--push"));
    Kiln.Run r = build(dockerfile, args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    ok("docker", "pull", "-q", ref);
    return ref;
  }

  private static String dockerRun(String ref, String script) {
    return ok("docker", "run", "--rm", "--network=none", ref, "sh", "-c", script);
  }

  @Test
  void filesDeletedInALaterRun_areAbsentInTheImage() throws Exception {
    String ref =
        pushAndPull(
            """
            ARG BASE
            FROM ${BASE}
            RUN mkdir -p /data/sub /data/dir && echo keep > /data/keep && echo gone > /data/gone \\
                && echo x > /data/sub/file && echo old > /data/dir/old
            RUN rm /data/gone && rm -rf /data/sub && rm -rf /data/dir && mkdir /data/dir \\
                && echo new > /data/dir/new
            """);
    try {
      assertThat(dockerRun(ref, "cd /data && find . | sort"))
          .isEqualTo(".\n./dir\n./dir/new\n./keep\n");
    } finally {
      run("docker", "rmi", "-f", ref);
    }
  }

  @Test
  void envUserWorkdirAndShell_affectRunAsInDocker() throws Exception {
    String ref =
        pushAndPull(
            """
            ARG BASE
            FROM ${BASE}
            ENV GREETING=hello TARGET=/out
            RUN mkdir -p /out && chmod 777 /out
            WORKDIR /work/deep
            RUN pwd > /out/pwd.txt && echo "$GREETING" > /out/env.txt
            USER app
            RUN id -u > /out/uid.txt && id -g > /out/gid.txt
            USER 0:50
            RUN id -u > /out/uid2.txt && id -g > /out/gid2.txt
            SHELL ["/bin/sh", "-c", "echo shell-used > /out/shell.txt; sh -c \\"$0\\""]
            RUN true
            """);
    try {
      assertThat(dockerRun(ref, "cat /out/pwd.txt /out/env.txt /out/uid.txt /out/gid.txt"))
          .isEqualTo("/work/deep\nhello\n1000\n1000\n");
      assertThat(dockerRun(ref, "cat /out/uid2.txt /out/gid2.txt /out/shell.txt"))
          .isEqualTo("0\n50\nshell-used\n");
    } finally {
      run("docker", "rmi", "-f", ref);
    }
  }

  @Test
  void failingRun_reportsExitCodeAndOutput() throws Exception {
    Kiln.Run r =
        build(
            """
            ARG BASE
            FROM ${BASE}
            RUN echo preparing && echo 'it broke' >&2 && exit 3
            """);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("RUN").contains("3");
    assertThat(r.err()).contains("it broke").contains("preparing");
  }

  /** BuildKit's testBuiltinArgs: proxy build args reach RUN but are not part of its cache key. */
  @Test
  void proxyBuildArgs_changedValue_keepsTheCachedRun_otherArgChanged_reruns() throws Exception {
    String dockerfile =
        """
        ARG BASE
        FROM ${BASE}
        ARG FOO
        ARG BAR
        ARG BAZ=bazcontent
        RUN echo $HTTP_PROXY::$NO_PROXY::$FOO::$BAR::$BAZ > /out
        """;
    Kiln.Run first =
        build(
            dockerfile,
            "--build-arg=FOO=foocontents",
            "--build-arg=http_proxy=hpvalue",
            "--build-arg=NO_PROXY=npvalue",
            "-o",
            tmp.resolve("one").toString());
    Kiln.Run second =
        build(
            dockerfile,
            "--build-arg=FOO=foocontents",
            "--build-arg=http_proxy=hpvalue2",
            "-o",
            tmp.resolve("two").toString());
    Kiln.Run third =
        build(
            dockerfile,
            "--build-arg=FOO=foocontents2",
            "--build-arg=http_proxy=hpvalue2",
            "-o",
            tmp.resolve("three").toString());

    assertThat(List.of(first, second, third)).allSatisfy(r -> assertThat(r.exitCode()).isZero());
    assertThat(Files.readString(tmp.resolve("one/out")))
        .isEqualTo("hpvalue::npvalue::foocontents::::bazcontent\n");
    assertThat(second.executed()).noneMatch(s -> s.contains("RUN"));
    assertThat(Files.readString(tmp.resolve("two/out")))
        .isEqualTo("hpvalue::npvalue::foocontents::::bazcontent\n");
    assertThat(third.executed()).anyMatch(s -> s.contains("RUN"));
    assertThat(Files.readString(tmp.resolve("three/out")))
        .isEqualTo("hpvalue2::::foocontents2::::bazcontent\n");
  }

  @Test
  void secondBuild_runsNoRun_andCleanRootsWithSourceDateEpochGiveIdenticalImages()
      throws Exception {
    // RUN writes files with the current time, so only a SOURCE_DATE_EPOCH makes images equal
    // across clean builds (as with BuildKit).
    Map<String, String> env = Map.of("SOURCE_DATE_EPOCH", "1600000000");
    String dockerfile =
        """
        ARG BASE
        FROM ${BASE}
        RUN echo built > /built.txt && mkdir -p /a/b && echo deep > /a/b/c
        RUN rm /built.txt
        """;
    Kiln.Run first = build(env, dockerfile, "-o", "type=oci,tar=false,dest=" + tmp.resolve("one"));
    Kiln.Run second = build(env, dockerfile, "-o", "type=oci,tar=false,dest=" + tmp.resolve("two"));
    root = tmp.resolve("other-root");
    Kiln.Run clean =
        build(env, dockerfile, "-o", "type=oci,tar=false,dest=" + tmp.resolve("three"));

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.executed()).anyMatch(s -> s.contains("RUN"));
    assertThat(second.executed()).isEmpty();
    assertThat(clean.executed()).anyMatch(s -> s.contains("RUN"));
    String index = Files.readString(tmp.resolve("one/index.json"));
    assertThat(Files.readString(tmp.resolve("two/index.json"))).isEqualTo(index);
    assertThat(Files.readString(tmp.resolve("three/index.json"))).isEqualTo(index);
  }

  @Test
  void runsInIndependentStages_runInParallel() throws Exception {
    Kiln.Run r =
        build(
            """
            ARG BASE
            FROM ${BASE} AS a
            RUN sleep 2 && echo a > /a
            FROM ${BASE} AS b
            RUN sleep 2 && echo b > /b
            FROM ${BASE}
            COPY --from=a /a /a
            COPY --from=b /b /b
            """);

    assertThat(r.exitCode()).as(r.err()).isZero();
    // Both RUN steps start before either finishes: plain progress prints events in order.
    List<String> lines = r.err().lines().toList();
    List<String> runSteps = new ArrayList<>();
    int firstRunDone = -1;
    for (int i = 0; i < lines.size() && firstRunDone < 0; i++) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("#(\\d+) \\[(a|b) 2/2\\] RUN .*").matcher(lines.get(i));
      if (m.matches() && !runSteps.contains(m.group(1))) {
        runSteps.add(m.group(1));
      }
      for (String n : runSteps) {
        if (lines.get(i).startsWith("#" + n + " DONE")) {
          firstRunDone = i;
        }
      }
    }
    assertThat(firstRunDone).as(r.err()).isPositive();
    assertThat(runSteps).as(r.err()).hasSize(2);
  }

  @Test
  void network_noneByDefault_hostWhenAsked() throws Exception {
    Kiln.Run r =
        build(
            """
            ARG BASE
            FROM ${BASE}
            RUN ls /sys/class/net | sort | tr '\\n' ' ' > /default.txt
            RUN --network=host ls /sys/class/net | sort | tr '\\n' ' ' > /host.txt
            """,
            "-o",
            "type=local,dest=" + tmp.resolve("fs"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("fs/default.txt")).hasContent("lo ");
    assertThat(Files.readString(tmp.resolve("fs/host.txt"))).contains("lo").isNotEqualTo("lo ");
  }

  @Test
  void networkFlag_setsTheDefaultOfRunSteps() throws Exception {
    Kiln.Run r =
        build(
            """
            ARG BASE
            FROM ${BASE}
            RUN ls /sys/class/net | sort | tr '\\n' ' ' > /flag.txt
            RUN --network=none ls /sys/class/net | sort | tr '\\n' ' ' > /none.txt
            """,
            "--network=host",
            "-o",
            "type=local,dest=" + tmp.resolve("fs"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.readString(tmp.resolve("fs/flag.txt"))).isNotEqualTo("lo ");
    assertThat(tmp.resolve("fs/none.txt")).hasContent("lo ");
  }

  @Test
  void runMounts_bindFromStageAndContextAndTmpfs_leaveNoMountPointsInTheImage() throws Exception {
    Files.writeString(context.resolve("note.txt"), "from the context\n");
    Kiln.Run r =
        build(
            """
            ARG BASE
            FROM ${BASE} AS data
            RUN mkdir /stuff && echo from-data > /stuff/file.txt

            FROM ${BASE}
            RUN --mount=type=bind,from=data,source=/stuff,target=/mnt/stuff \
                cat /mnt/stuff/file.txt > /copied.txt
            RUN --mount=type=tmpfs,target=/scratch \
                sh -c 'echo tmp > /scratch/x && cat /scratch/x > /tmpfs.txt'
            RUN --mount=type=bind,source=note.txt,target=/note cat /note > /note-copy.txt
            RUN --mount=type=bind,from=data,source=/stuff,target=/ro sh -c 'touch /ro/x' \
                || echo read-only > /ro-result.txt
            """,
            "-o",
            "type=local,dest=" + tmp.resolve("fs"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    Path fs = tmp.resolve("fs");
    assertThat(fs.resolve("copied.txt")).hasContent("from-data");
    assertThat(fs.resolve("tmpfs.txt")).hasContent("tmp");
    assertThat(fs.resolve("note-copy.txt")).hasContent("from the context");
    assertThat(fs.resolve("ro-result.txt")).hasContent("read-only");
    assertThat(fs.resolve("scratch")).doesNotExist();
    assertThat(fs.resolve("note")).doesNotExist();
    assertThat(fs.resolve("ro")).doesNotExist();
  }
}
