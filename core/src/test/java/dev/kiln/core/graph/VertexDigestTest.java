package dev.kiln.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VertexDigestTest {

  @Test
  void canonicalBytes_scratch_matchDocumentedForm() {
    Vertex v = Vertex.of(new ScratchOp(), List.of());

    String json = new String(v.canonicalBytes(), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo("{\"inputs\":[],\"op\":{\"type\":\"scratch\"},\"version\":\"kiln.llb.v1\"}");
    // Hand-computed: printf '%s' '<json above>' | sha256sum
    assertThat(v.digest().toString())
        .isEqualTo("sha256:94c06edbab1e280b06893e7411f4ae1f49c36a34d49a6de298f0392911ca0dc7");
  }

  @Test
  void digest_goldenGraphs_matchCheckedInValues() throws IOException {
    Properties golden = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/golden/vertex-digests.properties")) {
      golden.load(in);
    }

    assertThat(Graphs.runChain().output().vertex().digest().toString())
        .isEqualTo(golden.getProperty("runChain"));
    assertThat(Graphs.multiStage().output().vertex().digest().toString())
        .isEqualTo(golden.getProperty("multiStage"));
    assertThat(Graphs.merged().output().vertex().digest().toString())
        .isEqualTo(golden.getProperty("merged"));
  }

  @Test
  void digest_isSha256OfCanonicalBytes() {
    Vertex v = Graphs.multiStage().output().vertex();

    assertThat(v.digest()).isEqualTo(Digests.sha256(v.canonicalBytes()));
  }

  @Test
  void digest_metadataChanged_unchanged() {
    State s = Graphs.runChain();
    Vertex v = s.output().vertex();

    Vertex named = v.withMetadata(new VertexMetadata("RUN echo", java.util.Map.of("k", "v")));
    State renamed = s.named("another name");

    assertThat(named.digest()).isEqualTo(v.digest());
    assertThat(renamed.output().vertex().digest()).isEqualTo(v.digest());
    assertThat(renamed.output().vertex().metadata().name()).isEqualTo("another name");
    assertThat(
            State.image("busybox:1.36", Graphs.AMD64)
                .withEnv("PATH", "/usr/bin:/bin")
                .withCwd("/work")
                .run(Run.shell("echo hello > /work/out.txt").named("pretty name"))
                .root()
                .output()
                .vertex()
                .digest())
        .isEqualTo(v.digest());
  }

  @Test
  void canonicalBytes_attemptUnpackFalse_flagOmittedSoDigestUnchanged() {
    Vertex base = Vertex.of(new ScratchOp(), List.of());
    FileAction.Copy copy = FileAction.Copy.of(0, "/a.tar", "/x/");

    Vertex plain = Vertex.of(new FileOp(List.of(copy)), List.of(base.output(0)));
    Vertex unset =
        Vertex.of(
            new FileOp(List.of(copy.withAttemptUnpack(true).withAttemptUnpack(false))),
            List.of(base.output(0)));
    Vertex add =
        Vertex.of(new FileOp(List.of(copy.withAttemptUnpack(true))), List.of(base.output(0)));

    assertThat(new String(plain.canonicalBytes(), StandardCharsets.UTF_8))
        .doesNotContain("attemptUnpack");
    assertThat(unset.digest()).isEqualTo(plain.digest());
    assertThat(new String(add.canonicalBytes(), StandardCharsets.UTF_8))
        .contains("\"attemptUnpackDockerCompatibility\":true");
    assertThat(add.digest()).isNotEqualTo(plain.digest());
  }

  private static ExecMeta withSettings(
      ExecMeta m, List<String> proxyEnv, String hostname, List<ExecMeta.HostIp> hosts) {
    return new ExecMeta(m.args(), m.env(), m.cwd(), m.user(), proxyEnv, hostname, hosts);
  }

  @Test
  void execSettings_decodeOfEncode_isTheSameOp() {
    ExecMeta meta =
        withSettings(
            new ExecMeta(List.of("sh"), List.of("A=1"), "/", ""),
            List.of("HTTP_PROXY=http://p:3128", "http_proxy=http://p:3128"),
            "box",
            List.of(new ExecMeta.HostIp("db", "10.0.0.1"), new ExecMeta.HostIp("v6", "::1")));
    ExecOp op = new ExecOp(meta, List.of(Mount.root()), NetworkMode.SANDBOX, Graphs.AMD64);
    assertThat(
            dev.kiln.core.graph.internal.OpCodec.decode(
                dev.kiln.core.graph.internal.OpCodec.encode(op)))
        .isEqualTo(op);
    HttpOp http = new HttpOp("https://h/f.tgz", "f.tgz", dev.kiln.oci.Digests.sha256("x"));
    assertThat(
            dev.kiln.core.graph.internal.OpCodec.decode(
                dev.kiln.core.graph.internal.OpCodec.encode(http)))
        .isEqualTo(http);
    // defaults are not written, so execs without these settings keep their digests
    ExecOp plain =
        new ExecOp(
            new ExecMeta(List.of("sh"), List.of("A=1"), "/", ""),
            List.of(Mount.root()),
            NetworkMode.SANDBOX,
            Graphs.AMD64);
    assertThat(dev.kiln.core.graph.internal.OpCodec.encode(plain).has("proxyEnv")).isFalse();
    assertThat(dev.kiln.core.graph.internal.OpCodec.encode(plain).has("hostname")).isFalse();
    assertThat(dev.kiln.core.graph.internal.OpCodec.encode(plain).has("extraHosts")).isFalse();
  }

  static Stream<List<Op>> semanticVariants() {
    ExecMeta meta = new ExecMeta(List.of("sh", "-c", "x"), List.of("A=1"), "/", "");
    List<Mount> root = List.of(Mount.root());
    Platform p = Graphs.AMD64;
    FileAction.Copy copy = FileAction.Copy.of(0, "/a", "/b");
    return Stream.of(
        List.of(
            new ImageOp("busybox", p),
            new ImageOp("busybox:1", p),
            new ImageOp("busybox", Platform.of("linux", "arm64"))),
        List.of(
            new HttpOp("http://h/f", "f", null),
            new HttpOp("http://h/g", "f", null),
            new HttpOp("http://h/f", "g", null),
            new HttpOp("http://h/f", "f", dev.kiln.oci.Digests.sha256("x"))),
        List.of(
            new LocalOp("context", List.of(), List.of(), ""),
            new LocalOp("ctx", List.of(), List.of(), ""),
            new LocalOp("context", List.of("*.go"), List.of(), ""),
            new LocalOp("context", List.of(), List.of("*.md"), ""),
            new LocalOp("context", List.of(), List.of(), "shared")),
        List.of(
            new ExecOp(meta, root, NetworkMode.SANDBOX, p),
            new ExecOp(
                new ExecMeta(List.of("sh", "-c", "y"), List.of("A=1"), "/", ""),
                root,
                NetworkMode.SANDBOX,
                p),
            new ExecOp(
                new ExecMeta(List.of("sh", "-c", "x"), List.of("A=2"), "/", ""),
                root,
                NetworkMode.SANDBOX,
                p),
            new ExecOp(
                new ExecMeta(List.of("sh", "-c", "x"), List.of("A=1"), "/w", ""),
                root,
                NetworkMode.SANDBOX,
                p),
            new ExecOp(
                new ExecMeta(List.of("sh", "-c", "x"), List.of("A=1"), "/", "nobody"),
                root,
                NetworkMode.SANDBOX,
                p),
            new ExecOp(meta, root, NetworkMode.NONE, p),
            new ExecOp(
                withSettings(meta, List.of("HTTP_PROXY=p"), "", List.of()),
                root,
                NetworkMode.SANDBOX,
                p),
            new ExecOp(
                withSettings(meta, List.of(), "box", List.of()), root, NetworkMode.SANDBOX, p),
            new ExecOp(
                withSettings(meta, List.of(), "", List.of(new ExecMeta.HostIp("db", "10.0.0.1"))),
                root,
                NetworkMode.SANDBOX,
                p),
            new ExecOp(meta, root, NetworkMode.SANDBOX, Platform.of("linux", "arm64")),
            new ExecOp(meta, List.of(Mount.root(), Mount.tmpfs("/tmp")), NetworkMode.SANDBOX, p),
            new ExecOp(
                meta, List.of(Mount.root(), Mount.cache("/c", null, null)), NetworkMode.SANDBOX, p),
            new ExecOp(
                meta, List.of(Mount.root(), Mount.cache("/c", "id", null)), NetworkMode.SANDBOX, p),
            new ExecOp(
                meta,
                List.of(Mount.root(), Mount.cache("/c", null, Mount.CacheSharing.LOCKED)),
                NetworkMode.SANDBOX,
                p),
            new ExecOp(
                meta,
                List.of(Mount.root(), Mount.bind(0, "/x", "/sub", true)),
                NetworkMode.SANDBOX,
                p),
            new ExecOp(
                meta,
                List.of(Mount.root(), Mount.bind(0, "/x", "/sub", false)),
                NetworkMode.SANDBOX,
                p),
            new ExecOp(
                meta,
                List.of(Mount.root(), Mount.bind(0, "/x", "/other", true)),
                NetworkMode.SANDBOX,
                p)),
        List.of(
            new FileOp(List.of(copy)),
            new FileOp(List.of(FileAction.Copy.of(0, "/a2", "/b"))),
            new FileOp(List.of(FileAction.Copy.of(0, "/a", "/b2"))),
            new FileOp(
                List.of(
                    new FileAction.Copy(0, "/a", "/b", false, true, true, true, false, -1, null))),
            new FileOp(
                List.of(
                    new FileAction.Copy(0, "/a", "/b", true, false, true, true, false, -1, null))),
            new FileOp(
                List.of(
                    new FileAction.Copy(0, "/a", "/b", true, true, false, true, false, -1, null))),
            new FileOp(
                List.of(
                    new FileAction.Copy(0, "/a", "/b", true, true, true, false, false, -1, null))),
            new FileOp(
                List.of(
                    new FileAction.Copy(0, "/a", "/b", true, true, true, true, true, -1, null))),
            new FileOp(List.of(copy.withMode(0755))),
            new FileOp(List.of(copy.withAttemptUnpack(true))),
            new FileOp(List.of(copy.withOwner(Owner.parse("1000:1000")))),
            new FileOp(List.of(copy.withOwner(Owner.parse("app:app")))),
            new FileOp(List.of(copy.withOwner(Owner.parse("app")))),
            new FileOp(List.of(new FileAction.Mkdir("/d", 0755, true, null))),
            new FileOp(List.of(new FileAction.Mkdir("/d", 0700, true, null))),
            new FileOp(List.of(new FileAction.Mkdir("/d", 0755, false, null))),
            new FileOp(List.of(new FileAction.Mkdir("/d", 0755, true, Owner.parse("1")))),
            new FileOp(List.of(new FileAction.Mkfile("/f", 0644, new byte[] {1}, null))),
            new FileOp(List.of(new FileAction.Mkfile("/f", 0644, new byte[] {2}, null))),
            new FileOp(List.of(new FileAction.Mkfile("/f", 0600, new byte[] {1}, null))),
            new FileOp(List.of(new FileAction.Rm("/f", false, false))),
            new FileOp(List.of(new FileAction.Rm("/f", true, false))),
            new FileOp(List.of(new FileAction.Rm("/f", false, true))),
            new FileOp(List.of(new FileAction.Symlink("/t", "/l"))),
            new FileOp(List.of(new FileAction.Symlink("/t2", "/l"))),
            new FileOp(
                List.of(new FileAction.Symlink("/t", "/l"), new FileAction.Rm("/x", true, false))),
            new FileOp(
                List.of(
                    new FileAction.Rm("/x", true, false), new FileAction.Symlink("/t", "/l")))));
  }

  @ParameterizedTest
  @MethodSource("semanticVariants")
  void digest_anySemanticFieldChanged_differs(List<Op> variants) {
    Vertex base = Vertex.of(new ScratchOp(), List.of());
    List<String> digests =
        variants.stream()
            .map(op -> Vertex.of(op, inputsFor(op, base)).digest().toString())
            .toList();

    assertThat(digests).doesNotHaveDuplicates();
  }

  private static List<Edge> inputsFor(Op op, Vertex base) {
    return op instanceof ExecOp || op instanceof FileOp ? List.of(base.output(0)) : List.of();
  }

  @Test
  void digest_inputChanged_differs() {
    Vertex a = Vertex.of(new ImageOp("a", Graphs.AMD64), List.of());
    Vertex b = Vertex.of(new ImageOp("b", Graphs.AMD64), List.of());
    FileOp op = new FileOp(List.of(new FileAction.Mkdir("/d", -1, true, null)));

    assertThat(Vertex.of(op, List.of(a.output(0))).digest())
        .isNotEqualTo(Vertex.of(op, List.of(b.output(0))).digest());
  }

  @Test
  void digest_inputOrderChanged_differs() {
    State a = State.scratch().file(FileStep.mkfile("/a", 0644, "a"));
    State b = State.scratch().file(FileStep.mkfile("/b", 0644, "b"));

    assertThat(State.merge(List.of(a, b)).output().vertex().digest())
        .isNotEqualTo(State.merge(List.of(b, a)).output().vertex().digest());
  }

  @Test
  void vertexOf_wrongInputCount_rejectedWithMessage() {
    Vertex s = Vertex.of(new ScratchOp(), List.of());

    assertThatThrownBy(() -> Vertex.of(new MergeOp(), List.of(s.output(0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Vertex.of(new ImageOp("x", Graphs.AMD64), List.of(s.output(0))))
        .hasMessageContaining("takes 0");
    assertThatThrownBy(
            () ->
                Vertex.of(
                    new FileOp(List.of(FileAction.Copy.of(2, "/a", "/b"))), List.of(s.output(0))))
        .hasMessageContaining("reads input 2 of 1");
    assertThatThrownBy(
            () ->
                Vertex.of(
                    new FileOp(List.of(new FileAction.Mkdir("/d", -1, true, null))),
                    List.of(s.output(0), s.output(0))))
        .hasMessageContaining("input 1 is not used");
  }

  @Test
  void edge_outputIndexOutOfRange_rejected() {
    Vertex s = Vertex.of(new ScratchOp(), List.of());

    assertThatThrownBy(() -> s.output(1)).hasMessageContaining("output 1 does not exist");
    assertThatThrownBy(() -> s.output(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void records_invalidValues_rejected() {
    assertThatThrownBy(() -> new Mount(-1, "/t", "/", false, Mount.Type.TMPFS, "id", null))
        .hasMessageContaining("not a cache mount");
    assertThatThrownBy(() -> Mount.bind(0, "rel", "/", false)).hasMessageContaining("absolute");
    assertThatThrownBy(() -> new ExecMeta(List.of(), List.of(), "/", ""))
        .hasMessageContaining("at least one argument");
    assertThatThrownBy(() -> new ExecMeta(List.of("x"), List.of("NOEQUALS"), "/", ""))
        .hasMessageContaining("KEY=value");
    assertThatThrownBy(() -> new FileAction.Mkdir("/d", 010000, true, null))
        .hasMessageContaining("07777");
    assertThatThrownBy(
            () ->
                new ExecOp(
                    new ExecMeta(List.of("x"), List.of(), "/", ""),
                    List.of(Mount.tmpfs("/tmp")),
                    NetworkMode.SANDBOX,
                    Graphs.AMD64))
        .hasMessageContaining("writable bind mount at '/'");
    assertThatThrownBy(() -> Owner.parse("")).hasMessageContaining("user[:group]");
    assertThatThrownBy(() -> Owner.Id.of(4294967296L)).hasMessageContaining("4294967295");
  }

  @Test
  void execOp_outputs_numberedOverWritableBinds() {
    ExecOp op =
        new ExecOp(
            new ExecMeta(List.of("x"), List.of(), "/", ""),
            List.of(
                Mount.root(),
                Mount.bind(0, "/ro", "/", true),
                Mount.tmpfs("/tmp"),
                Mount.bind(-1, "/out", "/", false)),
            NetworkMode.SANDBOX,
            Graphs.AMD64);

    assertThat(op.outputCount()).isEqualTo(2);
    assertThat(op.outputOf(0)).isZero();
    assertThat(op.outputOf(1)).isEqualTo(-1);
    assertThat(op.outputOf(3)).isEqualTo(1);
  }
}
