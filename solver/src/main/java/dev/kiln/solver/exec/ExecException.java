package dev.kiln.solver.exec;

/** A container could not be run, or ran and failed. The message is one line meant for the user. */
public class ExecException extends Exception {

  /**
   * @param message one line naming what failed and, where possible, what to do
   */
  public ExecException(String message) {
    super(message);
  }

  /**
   * @param message one line naming what failed
   * @param cause the underlying error
   */
  public ExecException(String message, Throwable cause) {
    super(message, cause);
  }
}
