package dev.kiln.core.cache.remote;

/** A cache config or manifest that cannot be read or is inconsistent; the message names why. */
public class CacheFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  /** With a message naming the problem. */
  public CacheFormatException(String message) {
    super(message);
  }

  /** With a message and the underlying cause. */
  public CacheFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
