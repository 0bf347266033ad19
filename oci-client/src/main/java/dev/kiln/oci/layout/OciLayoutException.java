package dev.kiln.oci.layout;

import java.io.IOException;

/**
 * An OCI image layout on disk or in a tar is missing, malformed, or unsafe to extract (a tar entry
 * escaping the target directory, a link, an unknown layout version). The message names the path and
 * the problem.
 */
public class OciLayoutException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An error with a message naming the layout path and the problem. */
  public OciLayoutException(String message) {
    super(message);
  }

  /** An error caused by a lower-level failure. */
  public OciLayoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
