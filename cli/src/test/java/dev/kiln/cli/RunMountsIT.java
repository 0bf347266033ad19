package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code RUN --mount} through {@code kiln build} with real runc: cache mounts (persistent under
 * {@code --root}, seeded, owned, shared/locked/private, dropped by {@code kiln prune}), writable
 * binds whose changes are discarded, tmpfs sizes, SSH agent sockets. Secrets are in {@link
 * SecretMountsIT}.
 */
class RunMountsIT extends RunFixture {

  /** Builds {@code dockerfile} into a local directory {@code out}; returns that directory. */
  private Path build(String dockerfile, String out, String... extra) throws Exception {
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    List<String> args =
        new ArrayList<>(
            List.of("build", "--root", root.toString(), "--progress=plain", "--build-arg"));
    args.add("BASE=" + base);
    args.addAll(List.of(extra));
    args.addAll(List.of("-o", "type=local,dest=" + tmp.resolve(out), context.toString()));
    Kiln.Run r = Kiln.run(tmp, Map.of(), args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return tmp.resolve(out);
  }

  @Test
  void cacheMount_secondBuildSeesTheFirstsFiles_untilPruned_neverInTheImage() throws Exception {
    Path one =
        build(
            "ARG BASE\nFROM ${BASE}\n"
                + "RUN --mount=type=cache,target=/var/cache/app echo one >> /var/cache/app/log"
                + " && cp /var/cache/app/log /seen\n",
            "one");
    Path two =
        build(
            "ARG BASE\nFROM ${BASE}\n"
                + "RUN --mount=type=cache,target=/var/cache/app echo two >> /var/cache/app/log"
                + " && cp /var/cache/app/log /seen\n",
            "two");

    assertThat(one.resolve("seen")).hasContent("one");
    assertThat(two.resolve("seen")).hasContent("one\ntwo");
    assertThat(two.resolve("var/cache")).doesNotExist();

    Kiln.Run prune =
        Kiln.run(
            tmp, Map.of(), "prune", "--root", root.toString(), "--filter", "type=exec.cachemount");
    assertThat(prune.exitCode()).as(prune.err()).isZero();
    assertThat(prune.out()).isEqualTo("Total: 1 cache mount\n");
    Path three =
        build(
            "ARG BASE\nFROM ${BASE}\n"
                + "RUN --mount=type=cache,target=/var/cache/app echo three >> /var/cache/app/log"
                + " && cp /var/cache/app/log /seen\n",
            "three");
    assertThat(three.resolve("seen")).hasContent("three");
  }

  @Test
  void prune_withoutTheFilter_refusesToGuess() {
    Kiln.Run r = Kiln.run(tmp, Map.of(), "prune", "--root", root.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors())
        .containsExactly(
            "ERROR: kiln prune removes only cache mounts so far: pass --filter"
                + " type=exec.cachemount");
  }

  @Test
  void cacheMount_ownerModeAndSeed_idFromArgs() throws Exception {
    Path fs =
        build(
            """
            ARG BASE
            FROM ${BASE} AS seed
            RUN mkdir -p /data && echo seeded > /data/seed.txt
            FROM ${BASE}
            ARG CACHE_ID=owned
            RUN --mount=type=cache,id=$CACHE_ID,target=/c,uid=1000,gid=50,mode=0770 \\
                stat -c '%u %g %a' /c > /owner
            RUN --mount=type=cache,target=/s,from=seed,source=/data cat /s/seed.txt > /seeded
            USER app
            RUN --mount=type=cache,id=owned,target=/again,uid=1000,gid=50,mode=0770 \\
                touch /again/by-app && ls /again > /tmp/listing
            """,
            "fs");
    assertThat(fs.resolve("owner")).hasContent("1000 50 770");
    assertThat(fs.resolve("seeded")).hasContent("seeded");
    assertThat(fs.resolve("tmp/listing")).hasContent("by-app");
  }

  /** Two independent stages using one cache at once; each copies the cache's log out. */
  private static String twoStages(String sharing) {
    String run =
        "RUN --mount=type=cache,id=parallel,target=/c,sharing="
            + sharing
            + " echo %1$s-start >> /c/log && sleep 2 && echo %1$s-end >> /c/log"
            + " && cp /c/log /log\n";
    return "ARG BASE\n"
        + "FROM ${BASE} AS a\n"
        + String.format(run, "a")
        + "FROM ${BASE} AS b\n"
        + String.format(run, "b")
        // one step reading both: the scheduler asks for both inputs at once (two COPY steps
        // would ask for the second only after the first's content key)
        + "FROM ${BASE}\n"
        + "RUN --mount=from=a,source=/log,target=/in/a --mount=from=b,source=/log,target=/in/b"
        + " cp /in/a /a.log && cp /in/b /b.log\n";
  }

  @Test
  void sharingLocked_concurrentUsersTakeTurns_sharedOnesOverlap() throws Exception {
    Path locked = build(twoStages("locked"), "locked");
    String last = longer(locked);
    // the second user saw the first one's start and end before its own start
    assertThat(last).matches("([ab])-start\n\\1-end\n([ab])-start\n\\2-end\n");

    root = tmp.resolve("other-root");
    Path shared = build(twoStages("shared"), "shared");
    assertThat(longer(shared)).matches("([ab])-start\n([ab])-start\n[ab]-end\n[ab]-end\n");
  }

  @Test
  void sharingPrivate_concurrentUsersGetTheirOwnCache() throws Exception {
    Path fs = build(twoStages("private"), "private");
    assertThat(Files.readString(fs.resolve("a.log"))).isEqualTo("a-start\na-end\n");
    assertThat(Files.readString(fs.resolve("b.log"))).isEqualTo("b-start\nb-end\n");
  }

  private static String longer(Path fs) throws Exception {
    String a = Files.readString(fs.resolve("a.log"));
    String b = Files.readString(fs.resolve("b.log"));
    return a.length() >= b.length() ? a : b;
  }

  @Test
  void bindReadWrite_changesDiscardedAfterTheStep_tmpfsSize() throws Exception {
    Files.writeString(context.resolve("kept.txt"), "kept\n");
    Path fs =
        build(
            """
            ARG BASE
            FROM ${BASE} AS data
            RUN mkdir /d && echo original > /d/f
            FROM ${BASE}
            RUN --mount=target=/ctx,rw sh -c 'echo x > /ctx/new && rm /ctx/kept.txt \\
                && ls /ctx > /during'
            RUN --mount=target=/ctx ls /ctx > /after
            RUN --mount=from=data,source=/d,target=/d,rw sh -c 'echo changed > /d/f'
            RUN --mount=from=data,source=/d,target=/d cat /d/f > /data-after
            RUN --mount=type=tmpfs,target=/t,size=1m df -k /t | tail -n 1 | awk '{print $2}' > /size
            """,
            "fs");
    assertThat(Files.readString(fs.resolve("during"))).contains("new").doesNotContain("kept.txt");
    assertThat(Files.readString(fs.resolve("after"))).contains("kept.txt").doesNotContain("new");
    assertThat(fs.resolve("data-after")).hasContent("original");
    assertThat(fs.resolve("size")).hasContent("1024");
    assertThat(fs.resolve("ctx")).doesNotExist();
    assertThat(context.resolve("new")).doesNotExist();
  }

  @Test
  void sshMount_agentSocketForwarded_withModeOwnerAndAuthSock() throws Exception {
    Path agentDir = Files.createDirectories(tmp.resolve("agent"));
    Path socket = agentDir.resolve("agent.sock");
    Process agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .start();
    try {
      for (int i = 0; i < 100 && !Files.exists(socket); i++) {
        Thread.sleep(50);
      }
      Path fs =
          build(
              """
              ARG BASE
              FROM ${BASE}
              RUN --mount=type=ssh stat -c '%F %a %u' $SSH_AUTH_SOCK > /default \\
                  && echo "$SSH_AUTH_SOCK" > /sock
              RUN --mount=type=ssh,id=work,target=/agent.sock,uid=1000,mode=0660 \\
                  stat -c '%F %a %u' /agent.sock > /work
              """,
              "fs", "--ssh", "default=" + socket, "--ssh", "work=" + socket);
      assertThat(fs.resolve("default")).hasContent("socket 600 0");
      assertThat(fs.resolve("sock")).hasContent("/run/buildkit/ssh_agent.0");
      assertThat(fs.resolve("work")).hasContent("socket 660 1000");
      assertThat(fs.resolve("agent.sock")).doesNotExist();
      assertThat(fs.resolve("run")).doesNotExist();
    } finally {
      agent.destroy();
    }
  }
}
