package dev.kiln.core.port;

import dev.kiln.oci.Digest;

/** Bytes written to or read from a content store do not hash to the expected digest. */
public final class ContentDigestMismatchException extends ContentStoreException {

  private static final long serialVersionUID = 1L;

  private final transient Digest expected;
  private final transient Digest actual;

  /** Creates the exception. */
  public ContentDigestMismatchException(Digest expected, Digest actual) {
    super("content digest mismatch: expected " + expected + " but the bytes hash to " + actual);
    this.expected = expected;
    this.actual = actual;
  }

  /** The digest the content should have had. */
  public Digest expected() {
    return expected;
  }

  /** The digest of the bytes seen. */
  public Digest actual() {
    return actual;
  }
}
