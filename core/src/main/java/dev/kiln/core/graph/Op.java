package dev.kiln.core.graph;

/**
 * One operation of the build graph. The op holds only the fields that define what it does; its
 * inputs are the {@link Vertex}'s, and descriptive metadata lives in {@link VertexMetadata}.
 *
 * <p>Implementations are immutable records; thread-safe.
 */
public sealed interface Op permits ImageOp, LocalOp, HttpOp, ScratchOp, ExecOp, FileOp, MergeOp {

  /** The number of outputs of this op (each is a filesystem result addressable by index). */
  int outputCount();

  /**
   * Checks that this op can be applied to {@code inputCount} inputs.
   *
   * @throws IllegalArgumentException naming the problem if it cannot
   */
  void checkInputCount(int inputCount);
}
