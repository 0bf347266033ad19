package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Platform;
import java.io.IOException;

/**
 * Looks up the config of a base image, so that its ENV, WORKDIR, USER, SHELL and ONBUILD triggers
 * apply to the stage built on it (BuildKit's {@code ResolveImageConfig}). Supplied by the caller;
 * the conversion itself never does I/O. Implementations must be safe to call from the converting
 * thread; the converter calls them sequentially.
 */
@FunctionalInterface
public interface ImageConfigResolver {
  /**
   * Returns the config of {@code ref} for {@code platform}.
   *
   * @param ref the normalised reference, e.g. {@code docker.io/library/busybox:latest}
   * @param platform the platform whose manifest is selected
   * @return the image config (never null)
   * @throws IOException when the image cannot be resolved; the message is shown with the FROM line
   */
  ImageConfig resolve(String ref, Platform platform) throws IOException;
}
