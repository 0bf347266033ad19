package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;

/**
 * Observes blob transfers. Called from the threads doing the transfers, so implementations must be
 * thread-safe and fast. Byte counts are monotonic per transfer: bytes re-sent by a retry are not
 * reported twice.
 */
public interface ProgressListener {

  /** Ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /** {@code bytes} more bytes of blob {@code digest} were sent or received. */
  default void bytesTransferred(Digest digest, long bytes) {}

  /** Pushing blob {@code digest} finished with {@code outcome}. */
  default void blobPushed(Digest digest, BlobOutcome outcome) {}
}
