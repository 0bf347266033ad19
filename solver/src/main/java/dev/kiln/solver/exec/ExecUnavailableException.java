package dev.kiln.solver.exec;

/**
 * The host cannot run containers at all: runc is missing or kiln does not run as root. The message
 * names what is missing and how to get it.
 */
public class ExecUnavailableException extends ExecException {

  /**
   * @param message one line naming what is missing
   */
  public ExecUnavailableException(String message) {
    super(message);
  }
}
