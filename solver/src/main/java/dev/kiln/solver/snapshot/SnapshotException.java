package dev.kiln.solver.snapshot;

/** A snapshot could not be prepared, committed or removed. The message is one line for the user. */
public class SnapshotException extends Exception {

  /**
   * @param message one line naming the snapshot and what failed
   */
  public SnapshotException(String message) {
    super(message);
  }

  /**
   * @param message one line naming the snapshot and what failed
   * @param cause the underlying error
   */
  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
