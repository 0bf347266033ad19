package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports the progress of one blob transfer to the listener as a monotonic count: positions below
 * the high-water mark (bytes re-sent by a retry) are not reported again. Thread-safe.
 */
final class ProgressTracker {

  private final ProgressListener listener;
  private final Digest digest;
  private final AtomicLong reported = new AtomicLong();

  ProgressTracker(ProgressListener listener, Digest digest) {
    this.listener = listener;
    this.digest = digest;
  }

  /** The transfer has reached absolute position {@code position}. */
  void reached(long position) {
    long before = reported.getAndAccumulate(position, Math::max);
    if (position > before) {
      listener.bytesTransferred(digest, position - before);
    }
  }
}
