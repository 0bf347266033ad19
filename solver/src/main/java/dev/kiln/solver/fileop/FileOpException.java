package dev.kiln.solver.fileop;

/**
 * A file action failed; the message names the action and the path, e.g. {@code COPY failed: file
 * not found in build context: app.txt}. The destination may be partly modified: the caller discards
 * the snapshot being built.
 */
public class FileOpException extends Exception {

  /** With a message naming the action, the path and what went wrong. */
  public FileOpException(String message) {
    super(message);
  }

  /** With a message and the underlying cause. */
  public FileOpException(String message, Throwable cause) {
    super(message, cause);
  }
}
