package dev.kiln.oci;

import java.io.IOException;

/**
 * Content that should be an OCI (or Docker schema 2) JSON document could not be understood: it is
 * not JSON, misses a required field, declares an unsupported media type, or contradicts the media
 * type it was served with. The message names the document and what is wrong with it.
 */
public class OciFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A format error with a message naming the document and the problem. */
  public OciFormatException(String message) {
    super(message);
  }

  /** A format error caused by a lower-level parse failure. */
  public OciFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
