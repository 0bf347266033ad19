package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;

/**
 * Content did not match its expected digest or size: a pulled blob or manifest, or the digest a
 * registry reported for pushed content.
 */
public class DigestMismatchException extends RegistryException {

  private final Digest expected;
  private final Digest actual;

  /** {@code expected} is what the caller asked for or computed, {@code actual} what arrived. */
  public DigestMismatchException(String message, Digest expected, Digest actual) {
    super(message, null);
    this.expected = expected;
    this.actual = actual;
  }

  /** The digest that was expected. */
  public Digest expected() {
    return expected;
  }

  /** The digest that was found (null when only the size differed). */
  public Digest actual() {
    return actual;
  }
}
