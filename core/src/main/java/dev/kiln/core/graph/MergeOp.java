package dev.kiln.core.graph;

/**
 * Merges the filesystems of all inputs, later inputs on top of earlier ones (BuildKit MergeOp). It
 * has no fields: its identity is entirely the ordered list of its inputs.
 */
public record MergeOp() implements Op {

  @Override
  public int outputCount() {
    return 1;
  }

  @Override
  public void checkInputCount(int inputCount) {
    Ops.requireInputs("merge", inputCount, 2, Integer.MAX_VALUE);
  }
}
