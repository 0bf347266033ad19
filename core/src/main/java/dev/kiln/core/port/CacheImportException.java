package dev.kiln.core.port;

/** A cache that cannot be imported; the message is one line naming the source and the reason. */
public class CacheImportException extends Exception {

  private static final long serialVersionUID = 1L;

  /** With a message naming the source and the reason. */
  public CacheImportException(String message) {
    super(message);
  }

  /** With a message and the underlying cause. */
  public CacheImportException(String message, Throwable cause) {
    super(message, cause);
  }
}
