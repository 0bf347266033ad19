package dev.kiln.core.graph;

/** Source op: an empty filesystem. All scratch ops are equal and have the same digest. */
public record ScratchOp() implements Op {

  @Override
  public int outputCount() {
    return 1;
  }

  @Override
  public void checkInputCount(int inputCount) {
    Ops.requireInputs("scratch source", inputCount, 0, 0);
  }
}
