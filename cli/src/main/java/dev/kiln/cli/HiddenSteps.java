package dev.kiln.cli;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Forwards solver progress except for vertices a user never sees in BuildKit: {@code scratch} is
 * not a step there (it is the absence of a base). Thread-safe if the target is.
 */
final class HiddenSteps implements ProgressListener {

  private final ProgressListener target;
  private final Set<Digest> hidden;

  HiddenSteps(ProgressListener target, Definition definition) {
    this.target = target;
    this.hidden =
        definition.vertices().stream()
            .filter(v -> v.op() instanceof ScratchOp)
            .map(Vertex::digest)
            .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void vertexStarted(Digest vertex, String name) {
    if (!hidden.contains(vertex)) {
      target.vertexStarted(vertex, name);
    }
  }

  @Override
  public void vertexCached(Digest vertex, String name) {
    if (!hidden.contains(vertex)) {
      target.vertexCached(vertex, name);
    }
  }

  @Override
  public void vertexCompleted(Digest vertex, String name) {
    if (!hidden.contains(vertex)) {
      target.vertexCompleted(vertex, name);
    }
  }

  @Override
  public void vertexFailed(Digest vertex, String name, String message) {
    target.vertexFailed(vertex, name, message);
  }

  @Override
  public void bytes(Digest vertex, String id, long current, long total) {
    target.bytes(vertex, id, current, total);
  }

  @Override
  public void log(Digest vertex, LogStream stream, String line) {
    target.log(vertex, stream, line);
  }
}
