package dev.kiln.image.export;

/**
 * An {@code --output} specification is malformed or names an unknown type or attribute. The message
 * quotes the specification and says what is accepted.
 */
public class ExportSpecException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ExportSpecException(String message) {
    super(message);
  }
}
