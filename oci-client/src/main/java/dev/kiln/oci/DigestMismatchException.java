package dev.kiln.oci;

import java.io.IOException;

/**
 * Content did not hash to the digest (or did not have the size) that its descriptor promised. The
 * content must be treated as corrupt and discarded; retrying the transfer may help.
 */
public class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Digest expected;
  private final transient Digest actual;

  /**
   * A mismatch for content described as {@code what} (e.g. "blob sha256:ab12… in /tmp/layout").
   *
   * @param what a short description of the content, for the message
   * @param expected the digest the content was supposed to have
   * @param actual the digest it actually has
   */
  public DigestMismatchException(String what, Digest expected, Digest actual) {
    super(what + ": expected digest " + expected + " but content hashes to " + actual);
    this.expected = expected;
    this.actual = actual;
  }

  /**
   * A size mismatch for content described as {@code what}.
   *
   * @param what a short description of the content, for the message
   * @param expected the digest the content was supposed to have
   * @param expectedSize the size the descriptor declared
   * @param actualSize the number of bytes actually received
   */
  public DigestMismatchException(String what, Digest expected, long expectedSize, long actualSize) {
    super(
        what + ": expected " + expectedSize + " bytes for " + expected + " but got " + actualSize);
    this.expected = expected;
    this.actual = null;
  }

  /** The digest the content should have had. */
  public Digest expected() {
    return expected;
  }

  /** The digest the content actually had, or null when only the size was wrong. */
  public Digest actual() {
    return actual;
  }
}
