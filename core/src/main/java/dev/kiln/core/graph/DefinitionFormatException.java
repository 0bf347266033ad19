package dev.kiln.core.graph;

/** A serialized {@link Definition} could not be read: bad JSON, an invalid op, a wrong digest. */
public final class DefinitionFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the offending element. */
  public DefinitionFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message naming the offending element. */
  public DefinitionFormatException(String message) {
    super(message);
  }
}
