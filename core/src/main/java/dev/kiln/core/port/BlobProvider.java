package dev.kiln.core.port;

import dev.kiln.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where a worker fetches blobs it knows only by descriptor and that are not in its local content
 * store yet: the layers of a base image (from its registry), or of a result imported from a remote
 * cache. Asked lazily — only when a step that runs needs the files, or an output needs the bytes —
 * so a build whose steps all hit downloads nothing.
 *
 * <p>Implementations must be thread-safe. The stream must fail with an {@link IOException} at its
 * end when the bytes do not match {@code blob.digest()}; the worker also verifies the digest when
 * it stores them.
 */
@FunctionalInterface
public interface BlobProvider {

  /**
   * Opens {@code blob}, or returns null when this provider does not know it (the next provider is
   * asked).
   *
   * @throws IOException if the blob is known but cannot be fetched; the message names it and where
   *     it was fetched from
   */
  InputStream open(Descriptor blob) throws IOException;
}
