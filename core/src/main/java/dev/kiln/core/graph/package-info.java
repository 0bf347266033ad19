/**
 * The build graph: immutable ops and vertices with content-derived digests, and a fluent builder.
 *
 * <p>A graph is made of {@link dev.kiln.core.graph.Vertex vertices}: an {@link
 * dev.kiln.core.graph.Op op} (image, local or scratch source; exec; file; merge) applied to {@link
 * dev.kiln.core.graph.Edge edges}, i.e. outputs of other vertices. A vertex digest is the sha256 of
 * its canonical bytes ({@code kiln.llb.v1}: canonical JSON of the op plus its inputs' digests and
 * output indexes), so equal sub-graphs have equal digests however they were built. {@link
 * dev.kiln.core.graph.VertexMetadata Metadata} (progress names, descriptions) never affects a
 * digest. A {@link dev.kiln.core.graph.Definition} is the topologically ordered set of vertices
 * behind some outputs and can be serialized and read back with digest verification.
 *
 * <p>Embedders build graphs with {@link dev.kiln.core.graph.State}; every call returns a new state:
 *
 * <pre>{@code
 * import static dev.kiln.core.graph.FileStep.copy;
 *
 * Platform amd64 = Platform.of("linux", "amd64");
 * State context = State.local("context");
 * State build = State.image("golang:1.22", amd64)
 *     .withCwd("/src")
 *     .withEnv("CGO_ENABLED", "0")
 *     .run(Run.shell("go build -o /out/app .")
 *         .mount("/src", context, "/", true)
 *         .cache("/root/.cache/go-build", null, null)
 *         .named("go build"))
 *     .root();
 * State image = State.scratch()
 *     .file(copy(build, "/out/app", "/app"), FileStep.mkdir("/tmp", 01777));
 * Definition definition = image.definition();
 * byte[] persisted = definition.toJson();
 * }</pre>
 *
 * <p>All types are immutable and thread-safe. Invalid values are rejected at construction with an
 * {@link java.lang.IllegalArgumentException} naming the field.
 */
package dev.kiln.core.graph;
