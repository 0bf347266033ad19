package dev.kiln.core.port;

/**
 * A {@code --cache-to}/{@code --cache-from} attribute that is unknown, missing or has a bad value;
 * the message names it and the accepted values.
 */
public class CacheAttributeException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** With a message naming the attribute and what is accepted. */
  public CacheAttributeException(String message) {
    super(message);
  }
}
