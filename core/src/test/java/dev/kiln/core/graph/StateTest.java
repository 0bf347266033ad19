package dev.kiln.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StateTest {

  @Test
  void with_calls_returnNewStatesLeavingOriginalUnchanged() {
    State base = State.image("busybox", Graphs.AMD64);

    State withEnv = base.withEnv("A", "1");
    State withCwd = base.withCwd("/app");
    State withUser = base.withUser("nobody");
    State ran = base.run("true");

    assertThat(base.env()).isEmpty();
    assertThat(base.cwd()).isEqualTo("/");
    assertThat(base.user()).isEmpty();
    assertThat(withEnv.env()).containsExactly("A=1");
    assertThat(withCwd.cwd()).isEqualTo("/app");
    assertThat(withUser.user()).isEqualTo("nobody");
    assertThat(ran.output()).isNotEqualTo(base.output());
    assertThat(base.output().vertex().op()).isInstanceOf(ImageOp.class);
  }

  @Test
  void withEnv_sameKey_replacedInPlace() {
    State s = State.scratch().withEnv("A", "1").withEnv("B", "2").withEnv("A", "3");

    assertThat(s.env()).containsExactly("A=3", "B=2");
  }

  @Test
  void withCwd_relative_resolvedAgainstCurrent() {
    assertThat(State.scratch().withCwd("/a").withCwd("b").cwd()).isEqualTo("/a/b");
  }

  @Test
  void run_contextFlowsIntoExecOp() {
    ExecOp op =
        (ExecOp)
            State.image("busybox", Graphs.AMD64)
                .withEnv("A", "1")
                .withCwd("/w")
                .withUser("1000")
                .run(Run.of("ls").network(NetworkMode.HOST))
                .vertex()
                .op();

    assertThat(op.meta()).isEqualTo(new ExecMeta(List.of("ls"), List.of("A=1"), "/w", "1000"));
    assertThat(op.network()).isEqualTo(NetworkMode.HOST);
    assertThat(op.platform()).isEqualTo(Graphs.AMD64);
  }

  @Test
  void run_mounts_mapStatesToInputs() {
    State src = State.local("context");
    ExecState exec =
        State.image("busybox", Graphs.AMD64)
            .run(
                Run.shell("make")
                    .mount("/src", src, "/app", true)
                    .mount("/out", State.scratch(), "/", false));

    ExecOp op = (ExecOp) exec.vertex().op();
    assertThat(exec.vertex().inputs()).hasSize(3);
    assertThat(op.mounts().get(1)).isEqualTo(Mount.bind(1, "/src", "/app", true));
    assertThat(op.mounts().get(2).input()).isEqualTo(2);
    assertThat(exec.output("/out").output().output()).isEqualTo(1);
    assertThatThrownBy(() -> exec.output("/src")).hasMessageContaining("no writable bind mount");
  }

  @Test
  void file_copyFromSameStateTwice_oneInput() {
    State src = State.image("alpine", Graphs.AMD64);

    State s = State.scratch().file(FileStep.copy(src, "/a", "/a"), FileStep.copy(src, "/b", "/b"));

    Vertex v = s.output().vertex();
    assertThat(v.inputs()).hasSize(2);
    assertThat(((FileOp) v.op()).actions())
        .allSatisfy(a -> assertThat(((FileAction.Copy) a).sourceInput()).isEqualTo(1));
  }

  @Test
  void file_add_setsAttemptUnpackAndSurvivesJsonRoundTrip() throws Exception {
    State ctx = State.local("context");

    State s =
        State.scratch()
            .file(FileStep.add(ctx, "/app.tar.gz", "/opt/"), FileStep.copy(ctx, "/b", "/b"));

    List<FileAction> actions = ((FileOp) s.output().vertex().op()).actions();
    FileAction.Copy add = (FileAction.Copy) actions.get(0);
    assertThat(add.attemptUnpackDockerCompatibility()).isTrue();
    assertThat(add.sourceInput()).isEqualTo(1);
    assertThat(((FileAction.Copy) actions.get(1)).attemptUnpackDockerCompatibility()).isFalse();
    Definition back = Definition.fromJson(s.definition().toJson());
    assertThat(back).isEqualTo(s.definition());
    assertThat(back.outputs().get(0).vertex().op()).isEqualTo(s.output().vertex().op());
  }

  @Test
  void sameCalls_produceEqualDigests() {
    assertThat(Graphs.multiStage().output()).isEqualTo(Graphs.multiStage().output());
  }

  @Test
  void packageExample_buildsSerializableDefinition() throws Exception {
    dev.kiln.oci.Platform amd64 = dev.kiln.oci.Platform.of("linux", "amd64");
    State context = State.local("context");
    State build =
        State.image("golang:1.22", amd64)
            .withCwd("/src")
            .withEnv("CGO_ENABLED", "0")
            .run(
                Run.shell("go build -o /out/app .")
                    .mount("/src", context, "/", true)
                    .cache("/root/.cache/go-build", null, null)
                    .named("go build"))
            .root();
    State image =
        State.scratch()
            .file(FileStep.copy(build, "/out/app", "/app"), FileStep.mkdir("/tmp", 01777));

    Definition definition = image.definition();

    assertThat(definition.size()).isEqualTo(5);
    assertThat(Definition.fromJson(definition.toJson())).isEqualTo(definition);
    assertThat(definition.vertices())
        .anySatisfy(v -> assertThat(v.metadata().name()).isEqualTo("go build"));
  }
}
