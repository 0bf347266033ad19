package dev.kiln.core.graph;

import static dev.kiln.core.graph.FileStep.copy;

import dev.kiln.oci.Platform;

/** Fixed graphs shared by the graph and cache tests; their digests are golden values. */
final class Graphs {

  static final Platform AMD64 = Platform.of("linux", "amd64");

  private Graphs() {}

  /** busybox, one RUN. */
  static State runChain() {
    return State.image("busybox:1.36", AMD64)
        .withEnv("PATH", "/usr/bin:/bin")
        .withCwd("/work")
        .run(Run.shell("echo hello > /work/out.txt"))
        .root();
  }

  /** A multi-stage build: build in one image, copy the artifact into scratch. */
  static State multiStage() {
    State context =
        State.local(new LocalOp("context", java.util.List.of(), java.util.List.of(".git"), "k1"));
    State build =
        State.image("golang:1.22", AMD64)
            .withCwd("/src")
            .run(
                Run.shell("go build -o /out/app .")
                    .mount("/src", context, "/", true)
                    .cache("/root/.cache/go-build", null, null)
                    .tmpfs("/tmp")
                    .network(NetworkMode.NONE))
            .root();
    return State.scratch()
        .file(
            copy(build, "/out/app", "/app"),
            FileStep.mkdir("/etc/app", 0755),
            FileStep.mkfile("/etc/app/config", 0644, "debug=false\n"),
            FileStep.symlink("/app", "/usr/local/bin/app"));
  }

  /** A merge of two independent branches. */
  static State merged() {
    State a = State.scratch().file(FileStep.mkfile("/a", 0644, "a"));
    State b = State.scratch().file(FileStep.mkfile("/b", 0600, "b"));
    return State.merge(java.util.List.of(State.image("alpine:3.20", AMD64), a, b));
  }
}
