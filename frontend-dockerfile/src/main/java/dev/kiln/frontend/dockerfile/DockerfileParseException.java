package dev.kiln.frontend.dockerfile;

/**
 * A Dockerfile could not be parsed or interpreted. The message is one line of the form {@code
 * Dockerfile:7: unknown instruction: RUNN (did you mean RUN?)}: it names the input, the line (when
 * known) and what is wrong. Immutable and therefore thread-safe.
 */
public class DockerfileParseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String fileName;
  private final int line;
  private final String detail;

  /**
   * Creates the exception.
   *
   * @param fileName the name of the input shown to the user, for example {@code Dockerfile}
   * @param line the 1-based line, or 0 when the problem has no single line
   * @param detail what is wrong and, where possible, what to do
   */
  public DockerfileParseException(String fileName, int line, String detail) {
    this(fileName, line, detail, null);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param fileName the name of the input shown to the user
   * @param line the 1-based line, or 0 when the problem has no single line
   * @param detail what is wrong
   * @param cause the underlying problem, or null
   */
  public DockerfileParseException(String fileName, int line, String detail, Throwable cause) {
    super(format(fileName, line, detail), cause);
    this.fileName = fileName;
    this.line = line;
    this.detail = detail;
  }

  private static String format(String fileName, int line, String detail) {
    return line > 0 ? fileName + ":" + line + ": " + detail : fileName + ": " + detail;
  }

  /** Returns the input's name as given by the caller. */
  public String fileName() {
    return fileName;
  }

  /** Returns the 1-based line of the problem, or 0 when it has no single line. */
  public int line() {
    return line;
  }

  /** Returns the message without the file and line prefix. */
  public String detail() {
    return detail;
  }
}
