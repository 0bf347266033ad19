package dev.kiln.core.port;

import java.io.IOException;

/** A {@link ContentStore} failure that is about content, not about the medium. */
public class ContentStoreException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the digest. */
  public ContentStoreException(String message) {
    super(message);
  }
}
