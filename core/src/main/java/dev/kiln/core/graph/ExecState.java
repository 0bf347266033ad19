package dev.kiln.core.graph;

/**
 * The result of {@link State#run}: the exec vertex, whose writable mounts are its outputs.
 * Immutable; thread-safe.
 */
public final class ExecState {

  private final State parent;
  private final Vertex vertex;

  ExecState(State parent, Vertex vertex) {
    this.parent = parent;
    this.vertex = vertex;
  }

  /** The exec vertex. */
  public Vertex vertex() {
    return vertex;
  }

  /** The root filesystem after the process ran, with the parent's process context. */
  public State root() {
    return parent.withOutput(vertex.output(0));
  }

  /**
   * The contents of the writable bind mount at {@code target} after the process ran.
   *
   * @throws IllegalArgumentException if there is no writable bind mount at {@code target}
   */
  public State output(String target) {
    ExecOp op = (ExecOp) vertex.op();
    for (int i = 0; i < op.mounts().size(); i++) {
      if (op.mounts().get(i).target().equals(target) && op.outputOf(i) >= 0) {
        return parent.withOutput(vertex.output(op.outputOf(i)));
      }
    }
    throw new IllegalArgumentException("no writable bind mount at '" + target + "'");
  }

  /** This exec with one more description entry in its metadata (does not change any digest). */
  public ExecState withDescription(String key, String value) {
    return new ExecState(
        parent, vertex.withMetadata(vertex.metadata().withDescription(key, value)));
  }

  /** This exec with progress name {@code name} (does not change any digest). */
  public ExecState named(String name) {
    return new ExecState(parent, vertex.withMetadata(vertex.metadata().withName(name)));
  }
}
