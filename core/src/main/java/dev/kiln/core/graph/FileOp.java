package dev.kiln.core.graph;

import java.util.List;

/**
 * Applies a list of file actions, in order, to a copy of input 0 (the base; use a scratch vertex
 * for an empty base). {@link FileAction.Copy} actions read from any input, including 0.
 *
 * @param actions at least one action
 */
public record FileOp(List<FileAction> actions) implements Op {

  /** Requires at least one action; copies the list. */
  public FileOp {
    actions = List.copyOf(actions);
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("file op needs at least one action");
    }
  }

  @Override
  public int outputCount() {
    return 1;
  }

  @Override
  public void checkInputCount(int inputCount) {
    if (inputCount < 1) {
      throw new IllegalArgumentException("file op needs a base input (input 0), e.g. scratch");
    }
    boolean[] used = new boolean[inputCount];
    used[0] = true;
    for (FileAction a : actions) {
      if (a instanceof FileAction.Copy c) {
        if (c.sourceInput() >= inputCount) {
          throw new IllegalArgumentException(
              "copy of '" + c.src() + "' reads input " + c.sourceInput() + " of " + inputCount);
        }
        used[c.sourceInput()] = true;
      }
    }
    for (int i = 0; i < inputCount; i++) {
      if (!used[i]) {
        throw new IllegalArgumentException("file op input " + i + " is not used by any action");
      }
    }
  }
}
