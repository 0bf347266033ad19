package dev.kiln.core.port;

import dev.kiln.oci.GrowingBlob;

/**
 * Told of each layer blob a worker begins to write for an exporter, so that the exporter can send
 * its bytes while they are made instead of after (see {@link CacheExporter#tap}). The writer
 * reports progress, completion (digest and size) or failure on the {@link GrowingBlob}.
 */
@FunctionalInterface
public interface BlobTap {

  /** A blob begins. The receiver owns {@code blob} (it closes it) and must not block the writer. */
  void writing(GrowingBlob blob);
}
