package dev.kiln.solver.layer;

import java.io.IOException;

/**
 * A compressed stream that can deflate a large file's content as a segment of its own, so that the
 * same content in another layer is not deflated again ({@link ParallelGzipOutputStream}). The tar
 * writer marks where a content (with its tar padding) begins and ends.
 */
interface SegmentedOutput {

  /** Input bytes received so far. */
  long received();

  /**
   * Whether a kept segment, or one another stream is deflating now, may hold a content of this
   * length (so hashing it first may pay).
   */
  boolean mayReplay(long contentLength);

  /**
   * The next {@code contentLength} bytes and what follows up to {@link #endSegment} (the tar
   * padding) are a segment.
   *
   * @param sha256 the content's SHA-256 when the writer hashed it first (a segment of that length
   *     another stream is deflating is waited for, and a kept one is replayed), or null (it is
   *     hashed as it comes)
   */
  void beginSegment(long contentLength, byte[] sha256) throws IOException;

  /** Ends the segment begun last. */
  void endSegment() throws IOException;
}
