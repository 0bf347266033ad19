package dev.kiln.core.cache.remote;

import dev.kiln.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the bytes of a blob of an imported cache where it lives (a registry, a layout directory).
 * {@link ImportedCache#fetch} verifies digest and size while storing them; implementations need
 * not. Thread-safe.
 */
@FunctionalInterface
public interface BlobFetcher {

  /**
   * Opens the blob; the caller closes the stream.
   *
   * @throws IOException if it cannot be fetched (missing, unauthorized, unreachable), with a
   *     message naming the blob and where it was looked for
   */
  InputStream open(Descriptor blob) throws IOException;
}
