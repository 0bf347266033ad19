package dev.kiln.solver.fileop;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A read-only filesystem a copy may read from: the snapshot of one op input, or the local build
 * context directory.
 *
 * @param root the directory that is {@code /} for the input's paths
 * @param label how error messages name it, e.g. {@code build context} or {@code stage builder}
 */
public record FileOpInput(Path root, String label) {

  /** Requires both; the label must not be empty. */
  public FileOpInput {
    Objects.requireNonNull(root, "input root");
    if (label == null || label.isEmpty()) {
      throw new IllegalArgumentException("input label must not be empty");
    }
  }

  /** The local build context; messages say "file not found in build context". */
  public static FileOpInput context(Path root) {
    return new FileOpInput(root, "build context");
  }

  /** A snapshot of input {@code index}; messages say "input N". */
  public static FileOpInput of(int index, Path root) {
    return new FileOpInput(root, "input " + index);
  }
}
