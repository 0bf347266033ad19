package dev.kiln.core.pattern;

/**
 * A pattern is malformed (a lone {@code !}, an unclosed {@code [}, a trailing {@code \}, …). The
 * message names the pattern; {@link #line()} is its line in an ignore file, when it came from one.
 */
public class PatternException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final String detail;

  /**
   * Creates the exception for a pattern that did not come from a file.
   *
   * @param detail what is wrong and with which pattern
   */
  public PatternException(String detail) {
    this(0, detail);
  }

  /**
   * Creates the exception for a pattern on a line of an ignore file.
   *
   * @param line the 1-based line, or 0 when unknown
   * @param detail what is wrong and with which pattern
   */
  public PatternException(int line, String detail) {
    super(line > 0 ? "line " + line + ": " + detail : detail);
    this.line = line;
    this.detail = detail;
  }

  /** The 1-based line of the pattern in its ignore file, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The message without the line number. */
  public String detail() {
    return detail;
  }
}
