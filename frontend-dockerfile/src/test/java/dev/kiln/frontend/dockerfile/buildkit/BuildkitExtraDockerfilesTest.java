package dev.kiln.frontend.dockerfile.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.buildkit.BuildkitKeys;
import dev.kiln.core.cache.buildkit.ChecksumTree;
import dev.kiln.core.cache.buildkit.MemoryTree;
import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.pattern.IgnoreFile;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.frontend.dockerfile.convert.ConversionRequest;
import dev.kiln.frontend.dockerfile.convert.ConversionResult;
import dev.kiln.frontend.dockerfile.convert.DockerfileConverter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfiles of buildkit-keys-v0.11.md §6.4 (src/test/resources/buildkit-v0.11) through kiln's
 * frontend and {@link BuildkitKeys#V0_11}, against the record digests the recipe lists (their first
 * 8 to 16 hex digits) and against the caches a BuildKit v0.11.6 built from the v0.11.6 tag (as
 * ../shared/buildkit-peer.md describes) exported for A, C, D and the workload with the contexts
 * these tests create ({@code peer/*}/cache-config.json, mode=max): every record with its links, but
 * those named in each test. 78 of the 79: B 13/13 (secret mount, cache mount with uid and its
 * helper mkdir, --add-host, from the recipe's digests; no peer cache), A 36/36, C 9/9 (its
 * here-document made 0664 as v0.11 did, which kiln does under v0.11's keys), D 3/3, the workload
 * 17/18. Not reproducible: the workload builder's content key over its /dev/urandom output, whose
 * bytes are not kept (the recipe recomputed it from the peer's exported layers).
 */
class BuildkitExtraDockerfilesTest {

  private static final String MANIFEST_KEY =
      "sha256:cf2abedb4c4b98bc4b7a521b2adf129ffde8d868b97634ea0c9940238a422865";
  private static final String CHAIN_KEY =
      "sha256:e093b66afe18806d413c2d41ad01c10511189902cbc80747b168b0dc6f2bcc8c";

  @TempDir Path tmp;

  private static Path blob(String hex) {
    return Vectors.root().resolve("interop/base/blobs/sha256").resolve(hex);
  }

  private static final Path CONFIG_HEX =
      Path.of("3e698f11be62d86958b44fb4289c6f2bbfbb10b50e3000660790ab35ac829dd1");

  private static String dockerfile(String name) throws IOException {
    try (InputStream in =
        BuildkitExtraDockerfilesTest.class.getResourceAsStream(
            "/buildkit-v0.11/" + name + "/Dockerfile")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private ConversionResult convert(String text, List<String> excludes) throws Exception {
    return DockerfileConverter.convert(
        ConversionRequest.of(text, Vectors.AMD64, Vectors.resolver(blob(CONFIG_HEX.toString())))
            .withExcludes(excludes));
  }

  private BuildkitRecords records(
      ConversionResult r, Path context, Function<Vertex, ChecksumTree> outputs) throws Exception {
    ResolvedImage base =
        Vectors.image(
            blob("3fda7b32f0856d2e7a9a8f3698450d6c300aa4e77b2ef81beb713e84e4e52a18"),
            blob(CONFIG_HEX.toString()));
    return BuildkitRecords.of(
        r.definition(), BuildkitKeys.V0_11, Map.of(Vectors.BASE_REF, base), context, outputs);
  }

  private static void assertRecords(BuildkitRecords r, List<String> prefixes) {
    List<String> found = new ArrayList<>();
    for (String p : prefixes) {
      if (r.records.keySet().stream().anyMatch(d -> d.startsWith("sha256:" + p))) {
        found.add(p);
      }
    }
    assertThat(found).as("recipe records found among kiln's").containsExactlyElementsOf(prefixes);
  }

  /**
   * Every record of the cache the private BuildKit v0.11.6 exported for the same Dockerfile and
   * context ({@code peer/NAME/cache-config.json}) equals kiln's, links included, but exactly {@code
   * unmatched} of them (named by the test).
   */
  private static void assertPeerRecords(BuildkitRecords ours, String name, int unmatched)
      throws IOException {
    Map<String, java.util.Set<BuildkitRecords.Link>> theirs;
    try (InputStream in =
        BuildkitExtraDockerfilesTest.class.getResourceAsStream(
            "/buildkit-v0.11/peer/" + name + "/cache-config.json")) {
      theirs = BuildkitRecords.exported(BuildkitRecords.JSON.readTree(in).get("records"));
    }
    java.util.Set<String> missing = new java.util.HashSet<>(theirs.keySet());
    missing.removeAll(ours.records.keySet());
    assertThat(missing).as(name + ": records kiln does not reproduce").hasSize(unmatched);
    for (Map.Entry<String, java.util.Set<BuildkitRecords.Link>> e : theirs.entrySet()) {
      if (missing.contains(e.getKey())) {
        continue;
      }
      java.util.Set<BuildkitRecords.Link> expected = new java.util.HashSet<>(e.getValue());
      expected.removeIf(l -> missing.contains(l.parent()));
      // kiln's own records in place of the unmatched ones link here too: leave them out
      java.util.Set<BuildkitRecords.Link> actual =
          new java.util.HashSet<>(ours.records.get(e.getKey()));
      actual.removeIf(l -> !theirs.containsKey(l.parent()));
      assertThat(actual).as(name + ": links of " + e.getKey()).isEqualTo(expected);
    }
  }

  private static String cmd(Vertex v) {
    return BuildkitVectorsTest.command(v);
  }

  @Test
  void dockerfileA_recipe33of36_peer36of36() throws Exception {
    Path ctx = Files.createDirectories(tmp.resolve("a"));
    Files.writeString(ctx.resolve("a.txt"), "alpha\n");
    Files.writeString(ctx.resolve("b.txt"), "bravo\n");
    Files.writeString(ctx.resolve("c.md"), "# c\n");
    Files.writeString(ctx.resolve("d.md"), "# d\n");
    Vectors.userXattr(ctx.resolve("d.md"), "note", "hello");
    Files.createDirectories(ctx.resolve("dir/sub"));
    Files.setAttribute(ctx.resolve("dir"), "unix:mode", 0755);
    Files.setAttribute(ctx.resolve("dir/sub"), "unix:mode", 0755);
    Files.writeString(ctx.resolve("dir/file.txt"), "file in dir\n");
    Files.writeString(ctx.resolve("dir/run.sh"), "#!/bin/sh\n");
    Files.setAttribute(ctx.resolve("dir/run.sh"), "unix:mode", 0755);
    Files.createSymbolicLink(ctx.resolve("dir/link"), Path.of("file.txt"));
    Files.writeString(ctx.resolve("dir/sub/x.txt"), "x\n");
    Files.write(ctx.resolve("archive.tar"), new byte[10240]);
    Files.writeString(ctx.resolve(".dockerignore"), "ignored.txt\n");
    Files.writeString(ctx.resolve("Dockerfile"), dockerfile("a"));
    for (String f :
        List.of(
            "a.txt",
            "b.txt",
            "c.md",
            "d.md",
            "dir/file.txt",
            "dir/sub/x.txt",
            "archive.tar",
            ".dockerignore",
            "Dockerfile")) {
      Files.setAttribute(ctx.resolve(f), "unix:mode", 0644);
    }
    ConversionResult r = convert(dockerfile("a"), IgnoreFile.read("ignored.txt\n"));
    MemoryTree tools =
        new MemoryTree()
            .file("/opt/tools/t.txt", 0644, "tool\n")
            .symlink("/opt/tools/link", "t.txt");
    MemoryTree scr = new MemoryTree().file("/t.txt", 0644, "tool\n");
    BuildkitRecords recs =
        records(
            r,
            ctx,
            v ->
                cmd(v).startsWith("mkdir -p /opt/tools")
                    ? tools
                    : copiesToScratch(v, "/t.txt") ? scr : null);

    assertThat(recs.records).containsKeys(MANIFEST_KEY, CHAIN_KEY);
    assertRecords(
        recs,
        List.of(
            // ops (24)
            "228a438438e6d1e5",
            "fe5b4f40c63ad8d2",
            "57c40994cee52734",
            "88e78e8e6e330813",
            "bd8ea97cb6ecd13a",
            "807b3e8722c68572",
            "aabe478f8476a2f8",
            "545551edcb00058b",
            "0a6aa630d4136364",
            "15f6cee5f800e5a3",
            "4ce181806d2ae7d1",
            "edbd21f9b96b942d",
            "0dc6ea622e227154",
            "4d79264f758df1d5",
            "1cfcfba199445c88",
            "90bd2cd74c2ead84",
            "6be62d36f0cf7091",
            "157f579d47b3c024",
            "cf47556f2a1eb9c6",
            "d9a420a0b6a8145a",
            "13eef83f11cce076",
            "436935cf68faae29",
            "9db38c9fbc7fc1e9",
            "c6453e9d806df878",
            // content keys (7 of 10)
            "d9887b8c",
            "eb47566c",
            "2027c203",
            "91261928",
            "78ef584f",
            "1c2fd621",
            "8f54849a"));
    // The recipe's content keys of dir/ (run.sh's bytes), of . and of archive.tar depend on
    // bytes it does not give; this context's, exported by BuildKit v0.11.6 here, all match.
    assertThat(recs.records).hasSize(36);
    for (String p : List.of("62946999", "8bfc681a", "35ac01be")) {
      assertThat(recs.records.keySet()).noneMatch(d -> d.startsWith("sha256:" + p));
    }
    assertPeerRecords(recs, "a", 0);
  }

  private static boolean copiesToScratch(Vertex v, String dest) {
    return v.op() instanceof FileOp f
        && f.actions().get(0) instanceof FileAction.Copy c
        && c.dest().equals(dest)
        && v.inputs().get(0).vertex().op() instanceof dev.kiln.core.graph.ScratchOp;
  }

  @Test
  void dockerfileB_asRecorded_convertsWithSecretAndSeededCacheMounts() throws Exception {
    List<dev.kiln.core.graph.Mount> mounts = new java.util.ArrayList<>();
    for (dev.kiln.core.graph.Vertex v :
        convert(dockerfileUnchecked("b"), List.of()).definition().vertices()) {
      if (v.op() instanceof dev.kiln.core.graph.ExecOp e) {
        mounts.addAll(e.mounts());
      }
    }
    assertThat(mounts)
        .anySatisfy(m -> assertThat(m.type()).isEqualTo(dev.kiln.core.graph.Mount.Type.SECRET))
        .anySatisfy(m -> assertThat(m.selector()).isEqualTo("/cache"));
  }

  private static String dockerfileUnchecked(String name) {
    try {
      return dockerfile(name);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void dockerfileB_withSecretCacheUidAndAddHost_13of13Records() throws Exception {
    // built with --opt add-hosts=myhost=10.1.2.3 --opt build-arg:WITHVALUE=y, no secret given
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                    dockerfile("b"), Vectors.AMD64, Vectors.resolver(blob(CONFIG_HEX.toString())))
                .withBuildArgs(Map.of("WITHVALUE", "y"))
                .withExtraHosts(List.of(new ExecMeta.HostIp("myhost", "10.1.2.3"))));
    MemoryTree tools =
        new MemoryTree()
            .file("/opt/tools/t.txt", 0644, "tool\n")
            .file("/opt/tools/u.txt", 0644, "two\n");
    MemoryTree cache = new MemoryTree().dir("/cache", 0755, 1000, 0);
    BuildkitRecords recs =
        records(
            r,
            Files.createDirectories(tmp.resolve("b")),
            v ->
                cmd(v).startsWith("mkdir -p /opt/tools")
                    ? tools
                    : v.op() instanceof FileOp f
                            && f.actions().get(0) instanceof FileAction.Mkdir m
                            && m.path().equals("/cache")
                        ? cache
                        : null);

    assertThat(recs.records).containsKeys(MANIFEST_KEY, CHAIN_KEY);
    assertRecords(
        recs,
        List.of(
            "09a1851d", // tools RUN (extraHosts [{"Host":"myhost"}])
            "901a2679", // WORKDIR /u as USER 1000:1000
            "62cee5a8", // RUN --mount=type=secret (secretOpt, input 0 output 0)
            "e38b9bac", // the cache mount's helper mkdir /cache (a root: scratch base)
            "8d0eba75", // its content key
            "178c1fa5", // RUN --mount=type=cache,id=mycache,sharing=locked,uid=1000
            "b3f4c8cf", // RUN --mount=type=bind,...,rw
            "b376c600", // the rw bind's content key
            "6217bc03", // RUN with a tab, é and ü
            "cef47088", // COPY --from=tools /opt/tools/*.txt
            "f94713c6")); // its wildcard content key
    assertThat(recs.records).hasSize(13);
  }

  @Test
  void dockerfileC_9of9Records_recipeAndPeer() throws Exception {
    // BuildKit's RUN output: the base layer, the command's files, and the /dev, /proc and /sys
    // mount points its executor leaves behind (0755 directories)
    MemoryTree tools = cTools();
    // v0.11's frontend made the here-document 0664 (0644 since v0.12): kiln builds the same under
    // v0.11's keys
    ConversionRequest request =
        ConversionRequest.of(
                dockerfile("c"), Vectors.AMD64, Vectors.resolver(blob(CONFIG_HEX.toString())))
            .withInlineDocumentMode(ConversionRequest.INLINE_DOCUMENT_MODE_V0_11);
    // the document's file as the mkfile writes it (named after the here-document's word): its
    // content key is over this tree
    MemoryTree document = new MemoryTree().file("/EOF", 0664, "inline document\n");
    BuildkitRecords recs =
        records(
            DockerfileConverter.convert(request),
            Files.createDirectories(tmp.resolve("c")),
            v ->
                cmd(v).startsWith("mkdir -p /opt/tools")
                    ? tools
                    : v.op() instanceof FileOp f && f.actions().get(0) instanceof FileAction.Mkfile
                        ? document
                        : null);

    // tools RUN, RUN --mount bind (no source), the whole-root content key (base layer + RUN
    // output, /tmp 1777), COPY --from=tools / (selector sha256("/")), the here-document's copy,
    // the two roots. The recipe's mkfile and content-key digests for the document (390b2597,
    // 16e1c66b) are not in the peer's export of this Dockerfile, which holds 1369e04c and
    // 2b91b9ca: kiln reproduces the export.
    assertThat(recs.records).containsKeys(MANIFEST_KEY, CHAIN_KEY).hasSize(9);
    assertRecords(
        recs,
        List.of(
            "471c715b", "d0a54a52", "3412d595", "7ce6c827", "b4bd4042", "1369e04c", "2b91b9ca"));
    assertPeerRecords(recs, "c", 0);
  }

  @Test
  void dockerfileC_currentHeredocMode_isAnotherResult() throws Exception {
    // the default 0644 document is another file than v0.11's 0664 one: its mkfile and content key
    // differ, the rest is the same
    MemoryTree tools = cTools();
    BuildkitRecords recs =
        records(
            convert(dockerfile("c"), List.of()),
            Files.createDirectories(tmp.resolve("c0")),
            v -> cmd(v).startsWith("mkdir -p /opt/tools") ? tools : null);
    assertRecords(recs, List.of("471c715b", "d0a54a52", "3412d595", "7ce6c827", "b4bd4042"));
    assertThat(recs.records.keySet())
        .noneMatch(d -> d.startsWith("sha256:390b2597") || d.startsWith("sha256:16e1c66b"));
    assertPeerRecords(recs, "c", 2);
  }

  private static MemoryTree cTools() throws IOException {
    return LayerTree.of(blob("0c9d76a61b0b821c07989bab740c6b8baeedfbf88384aac7ffc1de6ee7aa0538"))
        .dir("/dev", 0755, 0, 0)
        .dir("/proc", 0755, 0, 0)
        .dir("/sys", 0755, 0, 0)
        .file("/opt/tools/t.txt", 0644, "tool\n");
  }

  @Test
  void dockerfileD_continuationAndLegacyEnv_peer3of3() throws Exception {
    ConversionResult r = convert(dockerfile("d"), List.of());
    Vertex run =
        r.definition().vertices().stream()
            .filter(v -> v.op() instanceof ExecOp)
            .findFirst()
            .orElseThrow();
    ExecOp e = (ExecOp) run.op();
    BuildkitRecords recs = records(r, Files.createDirectories(tmp.resolve("d")), v -> null);

    // The recipe lists no digest for D's RUN; it gives its command text and env (§5.1, §6.4),
    // and BuildKit v0.11.6 exported the RUN record here.
    assertThat(e.meta().args())
        .containsExactly("/bin/sh", "-c", "echo a &&     echo b     && echo c");
    assertThat(e.meta().env())
        .containsExactly(
            "PATH=/bin", "OLD=value with spaces", "Q=quoted \"x\"", "R=value with spaces");
    assertThat(recs.records).containsKeys(MANIFEST_KEY, CHAIN_KEY).hasSize(3);
    assertPeerRecords(recs, "d", 0);
  }

  @Test
  void workloadRebuild_peerBase_17of18() throws Exception {
    Path w = Vectors.root().resolve("workload/v1");
    Path ctx =
        Vectors.context(
            w, tmp.resolve("w"), List.of("app.conf", "motd.txt", "hello.txt"), Map.of());
    byte[] conf = Files.readAllBytes(w.resolve("app.conf"));
    ChecksumTree second = Vectors.secondStageOutput(conf);
    BuildkitRecords recs =
        records(
            convert(Files.readString(w.resolve("Dockerfile")), List.of()),
            ctx,
            v -> cmd(v).contains("mkdir -p /opt/second") ? second : null);

    // The roots, WORKDIR, the five COPYs and four content keys keep the vectors' digests; the
    // five RUN records change through env ["PATH=/bin"] (the recipe lists none; BuildKit v0.11.6
    // exported them here); the builder's /src content key needs its random output.
    assertThat(recs.records)
        .containsKeys(
            MANIFEST_KEY,
            CHAIN_KEY,
            "sha256:57a5ab45ee83a930675514d2528c657cf1d5e669475f33931afc0e7c848c0e34",
            "sha256:d10af175bf50125e8f9e63ac1ea9a22117fc5665044a9caa358931db6d980ed7",
            "sha256:3b694ab9414d4d92db862a4a00b472c585e4de5d29527ce87fe29f7de97d05bf",
            "sha256:04a19549b538a926de6ec738e8b6a1e8301d4e549b37d4171c6e4e8417db55a5",
            "sha256:9f87c251f98f6013d20002b4bfb5331e63510f75e3f8c5ea1f8b71055a0483a6",
            "sha256:d999992bfeb0bb665c9505c4771e729025df25874f23a4005fa2082fe59f1449",
            "sha256:b60a0ba85a3d5a19285c9916d822de70d5afac0a6f6cdc864d6ad1662deb9264",
            "sha256:5154fc51bae0a5a4bc8282ca2099fe492897755b29d73d992b19656222fcc860",
            "sha256:92e835cbb0e8d9d26f315c9a77a8774c4aa4b59eb8165e853ec85e8f2cbe8412",
            "sha256:8d621f9a360488bfd3f3ee509607cc517b123f1cd0ac0ab91487b6ab87a4d9b0")
        .hasSize(17);
    assertPeerRecords(recs, "workload", 1);
  }
}
