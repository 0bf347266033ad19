package dev.kiln.core.cache.buildkit;

import static dev.kiln.core.cache.buildkit.Recipe.AMD64;
import static dev.kiln.core.cache.buildkit.Recipe.PATH;
import static dev.kiln.core.cache.buildkit.Recipe.map;
import static dev.kiln.core.cache.buildkit.Recipe.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.NetworkMode;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.graph.VertexMetadata;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exec cache maps against buildkit-keys-v0.11.md §3.3 and §6. */
class ExecKeysTest {

  private static final String DD =
      "dd if=/dev/urandom of=/src/random.bin bs=1M count=4 2>/dev/null && ls -l /src/random.bin";

  private static Vertex run(State s, Run r) {
    return s.run(r).vertex();
  }

  @Test
  void plainRun_workedExample_matchesRecipe() {
    Vertex v = run(Recipe.base().withCwd("/src"), Run.shell(DD));

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(m.digest())
        .isEqualTo("sha256:48153eb09ffa474ce22d892ed5c660f920baef2e86288092914a1eaaa61d9162");
    assertThat(record(v).toString())
        .isEqualTo("sha256:ce113cba963e8b209ae8176f0b2935365ba388144d883a1f35d3ce1d8d2620e7");
    // plain RUN: no selector and no content key on the root (v0.11)
    assertThat(m.inputs()).containsExactly(CacheMap.Input.plain(0));
  }

  @Test
  void plainRun_workloadRuns_matchVectorsTable() {
    State src = Recipe.base().withCwd("/src");
    assertThat(
            map(
                    BuildkitKeys.V0_11,
                    run(
                        src,
                        Run.shell("seq 1 400000 > /src/numbers.txt && wc -c /src/numbers.txt")))
                .digest())
        .isEqualTo("sha256:d03e3e16c2e4d6f83732cc8a4507ed43bf5cb3d70d252b72907abcd79a247bc4");
    assertThat(
            record(
                    run(
                        Recipe.base(),
                        Run.shell("ls -l /data /opt/second /hello.txt > /listing.txt")))
                .toString())
        .isEqualTo("sha256:2bae879d0613d0a3f0f149f0f19975301d152c40b7f2b865c99cc67dccdbc6b6");
  }

  @Test
  void env_htmlEscapedValues_matchRecipeDockerfileA() {
    State s =
        State.image(Recipe.BASE_REF, AMD64)
            .withEnv("VERSION", "1.2.3")
            .withEnv("FOO", "bar")
            .withEnv("SPECIAL", "a&b<c>d")
            .withEnv("PATH", "/usr/local/bin:/bin");

    Vertex v = run(s, Run.shell("echo \"$FOO $VERSION $SPECIAL\" > /env.txt"));

    assertThat(record(v).hex()).startsWith("57c40994cee52734");
  }

  @Test
  void env_hintReordersEntries_keyFollowsHint() {
    State kilnOrder =
        State.image(Recipe.BASE_REF, AMD64)
            .withEnv("FOO", "bar")
            .withEnv("SPECIAL", "a&b<c>d")
            .withEnv("PATH", "/usr/local/bin:/bin")
            .withEnv("VERSION", "1.2.3");
    Vertex v = kilnOrder.run(Run.shell("echo \"$FOO $VERSION $SPECIAL\" > /env.txt")).vertex();
    List<String> llb =
        List.of("VERSION=1.2.3", "FOO=bar", "SPECIAL=a&b<c>d", "PATH=/usr/local/bin:/bin");
    Vertex hinted =
        v.withMetadata(
            VertexMetadata.EMPTY.withDescription(BuildkitHints.ENV, BuildkitHints.envValue(llb)));

    assertThat(record(v).hex()).doesNotStartWith("57c40994cee52734");
    assertThat(record(hinted).hex()).startsWith("57c40994cee52734");
    assertThat(hinted.digest()).isEqualTo(v.digest());
  }

  @Test
  void env_hintWithOtherEntries_keepsKilnKey() {
    Vertex v = run(Recipe.base(), Run.shell("true"));
    Vertex hinted =
        v.withMetadata(
            VertexMetadata.EMPTY.withDescription(
                BuildkitHints.ENV, BuildkitHints.envValue(List.of(PATH, "X=1"))));

    assertThat(map(BuildkitKeys.V0_11, hinted)).isEqualTo(CacheMaps.of(v));
  }

  @Test
  void shellAndExecForms_matchRecipeDockerfileA() {
    State s =
        State.image(Recipe.BASE_REF, AMD64)
            .withEnv("VERSION", "1.2.3")
            .withEnv("FOO", "bar")
            .withEnv("SPECIAL", "a&b<c>d")
            .withEnv("PATH", "/usr/local/bin:/bin");

    assertThat(record(run(s, Run.of("/bin/sh", "-ec", "echo shell-form > /shell.txt"))).hex())
        .startsWith("88e78e8e6e330813");
    assertThat(record(run(s, Run.of("/bin/sh", "-c", "echo exec-form > /exec.txt"))).hex())
        .startsWith("bd8ea97cb6ecd13a");
    assertThat(
            record(run(s.withCwd("/w").withUser("nobody"), Run.of("/bin/sh", "-ec", "id -u")))
                .hex())
        .startsWith("545551edcb00058b");
  }

  @Test
  void networkNone_writesNetwork2() {
    State s = dockerfileA();

    Vertex v =
        run(s, Run.of("/bin/sh", "-ec", "echo nonet > /nonet.txt").network(NetworkMode.NONE));

    assertThat(record(v).hex()).startsWith("cf47556f2a1eb9c6");
  }

  @Test
  void cacheMount_implicitId_matchesRecipe() {
    Vertex v =
        run(
            dockerfileA(),
            Run.of("/bin/sh", "-ec", "echo cache > /cache.txt")
                .cache("/root/.cache", null, Mount.CacheSharing.SHARED));

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(record(v).hex()).startsWith("157f579d47b3c024");
    assertThat(m.inputs()).containsExactly(CacheMap.Input.plain(0));
  }

  @Test
  void tmpfsMount_matchesRecipe() {
    Vertex v =
        run(dockerfileA(), Run.of("/bin/sh", "-ec", "echo tmp > /tmpfs.txt").tmpfs("/scratchpad"));

    assertThat(record(v).hex()).startsWith("13eef83f11cce076");
  }

  @Test
  void bindFromStage_readOnlyWithSource_selectorAndContentKey() {
    State tools =
        Recipe.base()
            .run(
                "/bin/sh",
                "-c",
                "mkdir -p /opt/tools && echo tool > /opt/tools/t.txt && ln -s t.txt /opt/tools/link");
    Vertex v =
        run(
            dockerfileA(),
            Run.of("/bin/sh", "-ec", "cat /mnt/tools/t.txt > /bind.txt")
                .mount("/mnt/tools", tools, "/opt/tools", true));

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(record(v).hex()).startsWith("d9a420a0b6a8145a");
    assertThat(m.inputs()).hasSize(2);
    assertThat(m.inputs().get(1).edge()).isEqualTo(1);
    assertThat(m.inputs().get(1).selector()).isEqualTo(Digests.sha256("/opt/tools"));
    assertThat(m.inputs().get(1).content().paths())
        .extracting(p -> p.path())
        .containsExactly("/opt/tools");
    assertThat(m.inputs().get(1).content().algorithm()).isEqualTo("buildkit.contenthash.v0.11");
  }

  @Test
  void bindWithoutSource_noSelector_contentOfRoot() {
    State tools = Recipe.base().run("/bin/sh", "-c", "true");
    Vertex v =
        run(
            Recipe.base(),
            Run.shell("cat /mnt/opt/tools/t.txt > /x").mount("/mnt", tools, "/", true));

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(m.inputs().get(1).selector()).isNull();
    assertThat(m.inputs().get(1).content().paths()).isEmpty();
  }

  @Test
  void mounts_sortedByTarget_inputsRenumbered() {
    State a = Recipe.base().run("/bin/sh", "-c", "echo a");
    State b = Recipe.base().run("/bin/sh", "-c", "echo b");
    // kiln's inputs: [root, a (/z), b (/a)]; BuildKit's, sorted by target: [root, b, a]
    Vertex v =
        run(Recipe.base(), Run.shell("true").mount("/z", a, "/", true).mount("/a", b, "/", true));

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(m.inputs()).extracting(CacheMap.Input::edge).containsExactly(0, 2, 1);
  }

  @Test
  void scratchRoot_inputDropped() {
    Vertex v = run(State.scratch(), Run.shell("true"));

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(m.inputs()).isEmpty();
  }

  @Test
  void platform_arm64v8_normalisedWithoutVariant() {
    State s = State.image("x", Platform.of("linux", "arm64", "v8")).withEnv("PATH", "/bin");
    State t = State.image("x", Platform.of("linux", "arm64")).withEnv("PATH", "/bin");

    assertThat(map(BuildkitKeys.V0_11, run(s, Run.shell("true"))).digest())
        .isEqualTo(map(BuildkitKeys.V0_11, run(t, Run.shell("true"))).digest());
  }

  @Test
  void v032_plainRun_rootSelectorSlash_noContent() {
    Vertex v = run(Recipe.base().withCwd("/src"), Run.shell(DD));

    CacheMap m = map(BuildkitKeys.V0_32, v);

    // the op JSON is the same (omitempty changes nothing here), the selector is sha256("/")
    assertThat(m.digest()).isEqualTo(map(BuildkitKeys.V0_11, v).digest());
    assertThat(m.inputs().get(0).selector()).isEqualTo(Digests.sha256("/"));
    assertThat(m.inputs().get(0).content()).isNull();
  }

  @Test
  void v032_customCacheId_blanked() {
    Vertex custom =
        run(Recipe.base(), Run.shell("true").cache("/t", "x", Mount.CacheSharing.LOCKED));
    Vertex other =
        run(Recipe.base(), Run.shell("true").cache("/t", "y", Mount.CacheSharing.PRIVATE));
    Vertex implicit =
        run(Recipe.base(), Run.shell("true").cache("/t", null, Mount.CacheSharing.SHARED));

    assertThat(map(BuildkitKeys.V0_32, custom).digest())
        .isEqualTo(map(BuildkitKeys.V0_32, other).digest());
    assertThat(map(BuildkitKeys.V0_32, implicit).digest())
        .isNotEqualTo(map(BuildkitKeys.V0_32, custom).digest());
    assertThat(map(BuildkitKeys.V0_11, custom).digest())
        .isNotEqualTo(map(BuildkitKeys.V0_11, other).digest());
  }

  @Test
  void v032_mountJson_omitsZeroInputAndOutput() {
    ExecOp op =
        new ExecOp(
            new ExecMeta(List.of("/bin/sh", "-c", "true"), List.of(PATH), "/", ""),
            List.of(Mount.root(), Mount.tmpfs("/t")),
            NetworkMode.SANDBOX,
            AMD64);
    Vertex v = Vertex.of(op, List.of(Recipe.base().output()));
    String json11 =
        "{\"Type\":\"buildkit.exec.v0\",\"Exec\":{\"meta\":{\"args\":[\"/bin/sh\",\"-c\",\"true\"],"
            + "\"env\":[\""
            + PATH
            + "\"],\"cwd\":\"/\",\"removeMountStubsRecursive\":true},\"mounts\":["
            + "{\"input\":0,\"dest\":\"/\",\"output\":0},"
            + "{\"input\":-1,\"dest\":\"/t\",\"output\":-1,\"mountType\":4,\"TmpfsOpt\":{}}]},"
            + "\"OS\":\"linux\",\"Arch\":\"amd64\"}";
    String json32 = json11.replace("{\"input\":0,\"dest\":\"/\",\"output\":0}", "{\"dest\":\"/\"}");

    assertThat(map(BuildkitKeys.V0_11, v).digest()).isEqualTo(Digests.sha256(json11).toString());
    assertThat(map(BuildkitKeys.V0_32, v).digest()).isEqualTo(Digests.sha256(json32).toString());
  }

  @Test
  void secretSshExtraHostsAndTmpfsSize_appendedAfterSortedMounts_perVersion() {
    ExecOp op =
        new ExecOp(
            new ExecMeta(
                List.of("/bin/sh", "-c", "true"),
                List.of(PATH),
                "/",
                "",
                List.of("HTTP_PROXY=http://p:1"),
                "",
                List.of(new ExecMeta.HostIp("myhost", "10.1.2.3"))),
            List.of(
                Mount.root(),
                owned(Mount.Type.SSH, "/run/buildkit/ssh_agent.0", "default", null, 0, 0600, true),
                owned(Mount.Type.SECRET, "/run/secrets/s", "s", null, 1000, 0400, false),
                owned(Mount.Type.SECRET, null, "tok", "TOKEN", 0, 0400, true),
                new Mount(
                    -1,
                    "/t",
                    "/",
                    false,
                    Mount.Type.TMPFS,
                    null,
                    null,
                    Mount.Options.tmpfs(65536))),
            NetworkMode.SANDBOX,
            AMD64);
    Vertex v = Vertex.of(op, List.of(Recipe.base().output()));
    String json11 =
        "{\"Type\":\"buildkit.exec.v0\",\"Exec\":{\"meta\":{\"args\":[\"/bin/sh\",\"-c\",\"true\"],"
            + "\"env\":[\""
            + PATH
            + "\"],\"cwd\":\"/\",\"extraHosts\":[{\"Host\":\"myhost\"}],"
            + "\"removeMountStubsRecursive\":true},\"mounts\":["
            + "{\"input\":0,\"dest\":\"/\",\"output\":0},"
            + "{\"input\":-1,\"dest\":\"/t\",\"output\":-1,\"mountType\":4,"
            + "\"TmpfsOpt\":{\"size\":65536}},"
            + "{\"input\":0,\"dest\":\"/run/secrets/s\",\"output\":0,\"mountType\":1,"
            + "\"secretOpt\":{\"ID\":\"s\",\"uid\":1000,\"mode\":256}},"
            + "{\"input\":0,\"dest\":\"/run/buildkit/ssh_agent.0\",\"output\":0,\"mountType\":2,"
            + "\"SSHOpt\":{\"mode\":384,\"optional\":true}}],"
            + "\"secretenv\":[{\"ID\":\"tok\",\"name\":\"TOKEN\",\"optional\":true}]},"
            + "\"OS\":\"linux\",\"Arch\":\"amd64\"}";
    String json32 =
        json11
            .replace("{\"input\":0,\"dest\":\"/\",\"output\":0}", "{\"dest\":\"/\"}")
            .replace("{\"input\":0,\"dest\":\"/run/", "{\"input\":-1,\"dest\":\"/run/")
            .replace("\",\"output\":0,\"mountType\"", "\",\"mountType\"");

    CacheMap m11 = map(BuildkitKeys.V0_11, v);
    assertThat(m11.digest()).isEqualTo(Digests.sha256(json11).toString());
    assertThat(map(BuildkitKeys.V0_32, v).digest()).isEqualTo(Digests.sha256(json32).toString());
    // secrets and sockets add no selector or content key to the root input
    assertThat(m11.inputs()).containsExactly(CacheMap.Input.plain(0));
  }

  /** A secret or ssh mount as kiln's frontend makes it (read-only, no input). */
  private static Mount owned(
      Mount.Type type, String target, String id, String env, long uid, int mode, boolean optional) {
    return new Mount(
        -1, target, "/", true, type, null, null, Mount.Options.of(id, env, uid, 0, mode, optional));
  }

  /** Dockerfile A's final stage after SHELL ["/bin/sh", "-ec"] and the ENVs (cwd /w, root). */
  private static State dockerfileA() {
    return State.image(Recipe.BASE_REF, AMD64)
        .withEnv("VERSION", "1.2.3")
        .withEnv("FOO", "bar")
        .withEnv("SPECIAL", "a&b<c>d")
        .withEnv("PATH", "/usr/local/bin:/bin")
        .withCwd("/w")
        .withUser("root");
  }
}
