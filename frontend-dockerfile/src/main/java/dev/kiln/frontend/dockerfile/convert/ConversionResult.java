package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.State;
import dev.kiln.oci.ImageConfig;
import java.util.Objects;

/**
 * The converted target stage. Immutable.
 *
 * @param state the target's root filesystem, with the stage's final env, working directory and user
 *     as its process context
 * @param imageConfig the image config to export: the base image's config (including its history and
 *     rootfs) with the stage's changes and one history entry per instruction; {@code created} is
 *     left for the exporter to set
 * @param stageName the target's display name (its name, or its index)
 */
public record ConversionResult(State state, ImageConfig imageConfig, String stageName) {
  /** Validates. */
  public ConversionResult {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(imageConfig, "imageConfig");
    Objects.requireNonNull(stageName, "stageName");
  }

  /** The build definition of the target (vertices in topological order). */
  public Definition definition() {
    return state.definition();
  }
}
