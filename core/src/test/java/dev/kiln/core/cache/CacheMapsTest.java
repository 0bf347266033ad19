package dev.kiln.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.NetworkMode;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.graph.VertexMetadata;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheMapsTest {

  private static final Platform P = Platform.of("linux", "amd64");
  private static final Vertex BASE = State.image("busybox", P).output().vertex();

  private static Vertex exec(Mount... extra) {
    List<Mount> mounts = new java.util.ArrayList<>(List.of(Mount.root()));
    mounts.addAll(List.of(extra));
    int inputs =
        (int) mounts.stream().mapToInt(Mount::input).filter(i -> i >= 0).distinct().count();
    List<dev.kiln.core.graph.Edge> in = new java.util.ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      in.add(BASE.output(0));
    }
    return Vertex.of(
        new ExecOp(
            new ExecMeta(List.of("make"), List.of(), "/", ""), mounts, NetworkMode.SANDBOX, P),
        in);
  }

  @Test
  void scratch_opDigest_handComputed() {
    CacheMap map = CacheMaps.of(State.scratch().output().vertex());

    // printf '%s' 'kiln.cachekey.v1:{"type":"scratch"}' | sha256sum
    assertThat(map.digest().toString())
        .isEqualTo("sha256:b21cda1c8516a8d0144358d621a8678d6800a7a5c2441a834f6dd85083ef737a");
    assertThat(map.inputs()).isEmpty();
  }

  @Test
  void exec_metadata_notInKey() {
    Vertex v = State.image("busybox", P).run(Run.shell("true")).vertex();

    assertThat(CacheMaps.of(v.withMetadata(new VertexMetadata("x", Map.of("a", "b")))))
        .isEqualTo(CacheMaps.of(v));
  }

  @Test
  void http_keyedByContentNameAndModTime_notByUrl() {
    Digest content = Digests.sha256("hello");
    HttpOp a = new HttpOp("http://a.example/x/file.txt", "file.txt", null);
    HttpOp b = new HttpOp("https://b.example/other/file.txt", "file.txt", content);
    java.time.Instant t = java.time.Instant.parse("2024-01-02T03:04:05Z");

    assertThat(CacheMaps.forHttp(a, content, null)).isEqualTo(CacheMaps.forHttp(b, content, null));
    assertThat(CacheMaps.forHttp(a, content, t).digest())
        .isNotEqualTo(CacheMaps.forHttp(a, content, null).digest());
    assertThat(CacheMaps.forHttp(a, Digests.sha256("other"), null).digest())
        .isNotEqualTo(CacheMaps.forHttp(a, content, null).digest());
    HttpOp renamed = new HttpOp("http://a.example/x/file.txt", "other.txt", null);
    assertThat(CacheMaps.forHttp(renamed, content, null).digest())
        .isNotEqualTo(CacheMaps.forHttp(a, content, null).digest());
    assertThat(CacheMaps.forHttp(a, content, null).inputs()).isEmpty();
    assertThatThrownBy(() -> CacheMaps.of(Vertex.of(a, List.of()))).hasMessageContaining("forHttp");
  }

  @Test
  void exec_proxyEnvAndExtraHostAddresses_inVertexDigestNotInKey() {
    State base = State.image("busybox", P);
    Vertex plain = base.run(Run.shell("true")).vertex();
    Vertex proxied =
        base.run(Run.shell("true").proxyEnv(List.of("HTTP_PROXY=http://p:3128"))).vertex();
    Vertex hostA =
        base.run(Run.shell("true").extraHosts(List.of(new ExecMeta.HostIp("db", "10.0.0.1"))))
            .vertex();
    Vertex hostB =
        base.run(Run.shell("true").extraHosts(List.of(new ExecMeta.HostIp("db", "10.0.0.2"))))
            .vertex();
    Vertex otherName =
        base.run(Run.shell("true").extraHosts(List.of(new ExecMeta.HostIp("cache", "10.0.0.1"))))
            .vertex();
    Vertex named = base.run(Run.shell("true").hostname("box")).vertex();

    assertThat(proxied.digest()).isNotEqualTo(plain.digest());
    assertThat(CacheMaps.of(proxied)).isEqualTo(CacheMaps.of(plain));
    assertThat(hostA.digest()).isNotEqualTo(hostB.digest());
    assertThat(CacheMaps.of(hostA)).isEqualTo(CacheMaps.of(hostB));
    assertThat(CacheMaps.of(otherName).digest()).isNotEqualTo(CacheMaps.of(hostA).digest());
    assertThat(CacheMaps.of(hostA).digest()).isNotEqualTo(CacheMaps.of(plain).digest());
    assertThat(CacheMaps.of(named).digest()).isNotEqualTo(CacheMaps.of(plain).digest());
  }

  @Test
  void exec_mountSelector_movesToInputSelectorNotOpDigest() {
    CacheMap a = CacheMaps.of(exec(Mount.bind(1, "/src", "/a", true)));
    CacheMap b = CacheMaps.of(exec(Mount.bind(1, "/src", "/b", true)));

    assertThat(a.digest()).isEqualTo(b.digest());
    assertThat(a.inputs().get(1).selector()).isEqualTo(Digests.sha256("/a"));
    assertThat(b.inputs().get(1).selector()).isEqualTo(Digests.sha256("/b"));
    assertThat(a.inputs().get(0).selector()).isEqualTo(Digests.sha256("/"));
  }

  @Test
  void exec_contentKeys_onlyForSafeMounts() {
    CacheMap readOnly = CacheMaps.of(exec(Mount.bind(1, "/src", "/a", true)));
    CacheMap writableSub = CacheMaps.of(exec(Mount.bind(1, "/src", "/a", false)));
    CacheMap writableWhole = CacheMaps.of(exec(Mount.bind(1, "/src", "/", false)));

    assertThat(readOnly.inputs().get(0).content()).isNull(); // the root mount never
    assertThat(readOnly.inputs().get(1).content())
        .isEqualTo(new ContentSelection(List.of(new PathSelector("/a", true, false))));
    assertThat(writableSub.inputs().get(1).content()).isNull();
    assertThat(writableWhole.inputs().get(1).content()).isNotNull();
  }

  @Test
  void exec_defaultCacheId_doesNotAffectKey() {
    CacheMap implicit = CacheMaps.of(exec(Mount.cache("/c", null, null)));
    CacheMap explicitSame = CacheMaps.of(exec(Mount.cache("/c", "/c", Mount.CacheSharing.SHARED)));
    CacheMap other = CacheMaps.of(exec(Mount.cache("/c", "mine", null)));

    assertThat(explicitSame.digest()).isEqualTo(implicit.digest());
    assertThat(other.digest()).isNotEqualTo(implicit.digest());
  }

  @Test
  void file_copySources_becomeReverseSortedSelectorAndBaseNameInDigest() {
    State src = State.local("context");
    Vertex v =
        State.scratch()
            .file(FileStep.copy(src, "/src/a.txt", "/a"), FileStep.copy(src, "/src/b.txt", "/b"))
            .output()
            .vertex();
    Vertex moved =
        State.scratch()
            .file(FileStep.copy(src, "/other/a.txt", "/a"), FileStep.copy(src, "/src/b.txt", "/b"))
            .output()
            .vertex();

    CacheMap map = CacheMaps.of(v);

    // printf '/src/b.txt\0/src/a.txt' | sha256sum
    assertThat(map.inputs().get(1).selector().toString())
        .isEqualTo("sha256:13a063acc71032854f1b377e678d9707f1f34856190c5917e9a7229f35e87d96");
    assertThat(map.inputs().get(1).content().paths())
        .containsExactly(
            new PathSelector("/src/a.txt", true, true), new PathSelector("/src/b.txt", true, true));
    assertThat(map.inputs().get(0)).isEqualTo(CacheMap.Input.plain(0));
    // Only the base name is in D: moving a source changes the selector, not the op digest.
    assertThat(CacheMaps.of(moved).digest()).isEqualTo(map.digest());
    assertThat(CacheMaps.of(moved).inputs().get(1).selector())
        .isNotEqualTo(map.inputs().get(1).selector());
  }

  @Test
  void file_semanticChange_changesDigest() {
    String a = CacheMaps.of(fileVertex(FileAction.Copy.of(1, "/a", "/x"))).digest();
    String mode =
        CacheMaps.of(fileVertex(FileAction.Copy.of(1, "/a", "/x").withMode(0700))).digest();
    String dest = CacheMaps.of(fileVertex(FileAction.Copy.of(1, "/a", "/y"))).digest();

    assertThat(List.of(a, mode, dest)).doesNotHaveDuplicates();
  }

  private static Vertex fileVertex(FileAction.Copy copy) {
    return Vertex.of(new FileOp(List.of(copy)), List.of(BASE.output(0), BASE.output(0)));
  }

  @Test
  void local_sessionBound_andDependsOnSession() {
    LocalOp op = LocalOp.of("context");

    CacheMap s1 = CacheMaps.forLocal(op, "session-1");
    CacheMap s2 = CacheMaps.forLocal(op, "session-2");

    assertThat(s1.sessionBound()).isTrue();
    assertThat(s1.digest()).isNotEqualTo(s2.digest());
  }

  @Test
  void of_sourcesNeedingOutsideInformation_rejected() {
    assertThatThrownBy(() -> CacheMaps.of(BASE)).hasMessageContaining("forImage");
    assertThatThrownBy(() -> CacheMaps.of(State.local("c").output().vertex()))
        .hasMessageContaining("forLocal");
  }

  @Test
  void forImage_platformMismatch_rejected() {
    ImageOp op = new ImageOp("busybox", Platform.of("linux", "arm64"));

    assertThatThrownBy(() -> CacheMaps.forImage(op, CacheKeyTest.resolved(P)))
        .hasMessageContaining("resolved for linux/amd64");
  }

  @Test
  void exec_selectorPaths_cleanedLikeGoPathJoin() {
    CacheMap messy = CacheMaps.of(exec(Mount.bind(1, "/src", "/a/./b/../c/", true)));

    assertThat(messy.inputs().get(1).selector()).isEqualTo(Digests.sha256("/a/c"));
  }
}
