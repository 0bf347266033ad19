package dev.kiln.frontend.dockerfile.shell;

/**
 * A word could not be expanded: bad substitution syntax, an unterminated quote, or a {@code
 * ${VAR:?message}} whose variable is unset or empty. The message names the word being processed.
 */
public class ShellExpansionException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the word
   */
  public ShellExpansionException(String message) {
    super(message);
  }
}
