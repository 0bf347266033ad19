package dev.kiln.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Passes content through while hashing it, and fails the read that reaches the end of the stream
 * when the content does not match the expected digest (and size, when known). A caller that reads
 * to the end therefore never mistakes corrupt content for good content. Subclasses may choose the
 * exception through {@link #mismatch}. Not thread-safe.
 */
public class VerifyingInputStream extends FilterInputStream {
  private final Digest expected;
  private final long expectedSize;
  private final String what;
  private final Digests.CountingDigestInputStream counting;
  private boolean verified;
  private IOException failure;

  /**
   * @param in the raw content
   * @param expected the digest the content must have
   * @param expectedSize the size it must have, or -1 when unknown
   * @param what a description for error messages
   */
  public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
    this(
        new Digests.CountingDigestInputStream(in, expected.algorithm()),
        expected,
        expectedSize,
        what);
  }

  private VerifyingInputStream(
      Digests.CountingDigestInputStream counting, Digest expected, long expectedSize, String what) {
    super(counting);
    this.counting = counting;
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b < 0) {
      verify();
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n < 0) {
      verify();
    }
    return n;
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    // Through read(), so the end of the stream is checked (FilterInputStream may delegate).
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = read(buf, 0, buf.length)) >= 0) {
      out.write(buf, 0, n);
      total += n;
    }
    return total;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be hashed; the counting stream reads instead of skipping.
    return counting.skip(n);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void verify() throws IOException {
    if (!verified) {
      verified = true;
      if (expectedSize >= 0 && counting.count() != expectedSize) {
        failure = mismatch(null, counting.count());
      } else {
        Digest actual = counting.digest();
        if (!actual.equals(expected)) {
          failure = mismatch(actual, counting.count());
        }
      }
    }
    // Every later read at the end fails too, so a retrying caller cannot slip past the check.
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The exception for content that does not match: {@code actual} is null when the size was already
   * wrong. The default is a {@link DigestMismatchException} naming the content.
   */
  protected IOException mismatch(Digest actual, long actualSize) {
    return actual == null
        ? new DigestMismatchException(what, expected, expectedSize, actualSize)
        : new DigestMismatchException(what, expected, actual);
  }

  /** The digest the content must have. */
  protected final Digest expected() {
    return expected;
  }
}
