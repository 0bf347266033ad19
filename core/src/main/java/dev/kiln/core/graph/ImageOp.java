package dev.kiln.core.graph;

import dev.kiln.oci.Platform;
import java.util.Objects;

/**
 * Source op: the root filesystem of a container image.
 *
 * @param ref the image reference as the user wrote it (e.g. {@code busybox:1.36} or {@code
 *     host/repo@sha256:…}); resolving it is the solver's job
 * @param platform the platform whose manifest is selected from an index
 */
public record ImageOp(String ref, Platform platform) implements Op {

  /** Requires a non-blank reference and a platform. */
  public ImageOp {
    if (ref == null || ref.isBlank()) {
      throw new IllegalArgumentException("image op needs an image reference");
    }
    Objects.requireNonNull(platform, "image op platform");
  }

  @Override
  public int outputCount() {
    return 1;
  }

  @Override
  public void checkInputCount(int inputCount) {
    Ops.requireInputs("image source", inputCount, 0, 0);
  }
}
