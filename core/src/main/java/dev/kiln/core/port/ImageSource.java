package dev.kiln.core.port;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where base images come from (a registry, an OCI layout). Resolving reads only the index, manifest
 * and config; layer bytes are fetched lazily, when the solver needs them.
 *
 * <p>Implementations must be safe to call concurrently. Errors are {@link IOException}s whose
 * message names the reference and what to do (e.g. "pulling busybox:1.36: unauthorized — run docker
 * login"); credentials never appear in messages.
 */
public interface ImageSource {

  /**
   * Resolves {@code ref} for {@code platform} to its manifest, config and layer descriptors.
   *
   * @throws IOException if the image does not exist, has no manifest for the platform, or cannot be
   *     read
   */
  ResolvedImage resolve(String ref, Platform platform) throws IOException;

  /**
   * Opens a blob of a resolved image (its config or one of its layers) as a stream. The caller
   * closes it. The stream must fail with an {@link IOException} at its end when the bytes do not
   * match {@code blob.digest()}, so that the caller never accepts corrupt content.
   *
   * @throws IOException if the blob cannot be fetched
   */
  InputStream openBlob(ResolvedImage image, Descriptor blob) throws IOException;
}
