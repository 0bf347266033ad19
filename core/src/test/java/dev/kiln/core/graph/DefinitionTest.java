package dev.kiln.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefinitionTest {

  @Test
  void vertices_multiStage_topologicallyOrdered() {
    Definition def = Graphs.multiStage().definition();

    Set<Edge> seen = new HashSet<>();
    for (Vertex v : def.vertices()) {
      for (Edge in : v.inputs()) {
        assertThat(def.vertices().indexOf(in.vertex())).isLessThan(def.vertices().indexOf(v));
      }
      seen.addAll(v.inputs());
    }
    assertThat(def.size()).isEqualTo(5); // image, local, exec, scratch, file
    assertThat(def.vertices().get(def.size() - 1)).isEqualTo(def.outputs().get(0).vertex());
  }

  @Test
  void vertex_byDigest_found() {
    Definition def = Graphs.merged().definition();

    for (Vertex v : def.vertices()) {
      assertThat(def.vertex(v.digest())).contains(v);
    }
    assertThat(def.vertex(Graphs.runChain().output().vertex().digest())).isEmpty();
  }

  @Test
  void vertices_sharedSubgraph_deduplicated() {
    State base = State.scratch();
    State a = base.file(FileStep.mkfile("/a", 0644, "a"));
    State b = base.file(FileStep.mkfile("/b", 0644, "b"));

    Definition def = State.merge(List.of(a, b, a.file(FileStep.rm("/a")))).definition();

    assertThat(def.size()).isEqualTo(5); // scratch, a, b, rm, merge
  }

  @Test
  void toJson_fromJson_roundTripsIncludingMetadata() throws Exception {
    Definition def =
        Definition.of(
            List.of(Graphs.multiStage().named("final").output(), Graphs.merged().output()));

    byte[] json = def.toJson();
    Definition back = Definition.fromJson(json);

    assertThat(back).isEqualTo(def);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(back.outputs().get(0).vertex().metadata().name()).isEqualTo("final");
    for (Vertex v : def.vertices()) {
      Vertex w = back.vertex(v.digest()).orElseThrow();
      assertThat(w.op()).isEqualTo(v.op());
      assertThat(w.metadata()).isEqualTo(v.metadata());
    }
  }

  @Test
  void toJson_multiStage_matchesGoldenFile() throws Exception {
    byte[] golden;
    try (java.io.InputStream in =
        getClass().getResourceAsStream("/golden/multistage-definition.json")) {
      golden = in.readAllBytes();
    }

    assertThat(new String(Graphs.multiStage().definition().toJson(), StandardCharsets.UTF_8))
        .isEqualTo(new String(golden, StandardCharsets.UTF_8).strip());
  }

  @Test
  void fromJson_tamperedOp_rejectedNamingVertex() {
    String json = new String(Graphs.runChain().definition().toJson(), StandardCharsets.UTF_8);
    String tampered = json.replace("echo hello", "echo HELLO");

    assertThatThrownBy(() -> Definition.fromJson(tampered.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DefinitionFormatException.class)
        .hasMessageContaining("vertex #1")
        .hasMessageContaining("hashes to");
  }

  @Test
  void fromJson_badInput_rejectedWithMessage() {
    assertThatThrownBy(() -> Definition.fromJson("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DefinitionFormatException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () -> Definition.fromJson("{\"version\":\"v9\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("expected kiln.definition.v1");
    String json = new String(Graphs.runChain().definition().toJson(), StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                Definition.fromJson(
                    json.replace("\"type\":\"exec\"", "\"type\":\"nope\"")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("unknown op type 'nope'");
    assertThatThrownBy(
            () ->
                Definition.fromJson(
                    json.replace("\"output\":0}],\"version\"", "\"output\":3}],\"version\"")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("output 3 does not exist");
  }

  @Test
  void of_tenThousandVertexChain_builtAndSerialized() throws Exception {
    State s = State.scratch();
    for (int i = 0; i < 10_000; i++) {
      s = s.file(FileStep.mkfile("/f" + i, 0644, Integer.toString(i)));
    }

    Definition def = s.definition();
    Definition back = Definition.fromJson(def.toJson());

    assertThat(def.size()).isEqualTo(10_001);
    assertThat(back.outputs().get(0).vertex().digest()).isEqualTo(s.output().vertex().digest());
  }

  @Test
  void of_tenThousandVertexFanIn_built() {
    List<State> leaves = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      leaves.add(State.scratch().file(FileStep.mkfile("/f", 0644, Integer.toString(i))));
    }

    Definition def = State.merge(leaves).definition();

    assertThat(def.size()).isEqualTo(10_002);
    assertThat(def.outputs().get(0).vertex().inputs()).hasSize(10_000);
  }

  @Test
  void of_noOutputs_rejected() {
    assertThatThrownBy(() -> Definition.of(List.of())).hasMessageContaining("at least one output");
  }
}
