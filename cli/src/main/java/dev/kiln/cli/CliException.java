package dev.kiln.cli;

/**
 * A failure to report to the user as one line (no stack trace unless {@code --debug}): a bad flag,
 * a missing file, a failed build step. The message names the input and, where possible, what to do.
 */
public final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure with its one-line message. */
  public CliException(String message) {
    this(message, null, null);
  }

  private final String details;

  /** A failure with its one-line message and the cause shown with {@code --debug}. */
  public CliException(String message, Throwable cause) {
    this(message, null, cause);
  }

  /**
   * A failure with its one-line message, lines of context printed before it (e.g. the last output
   * of a failed {@code RUN}), and the cause shown with {@code --debug}.
   */
  public CliException(String message, String details, Throwable cause) {
    super(message, cause);
    this.details = details;
  }

  /** Lines printed before the error line, or null. */
  public String details() {
    return details;
  }
}
