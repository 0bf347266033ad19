package dev.kiln.solver.layer;

/** A layer could not be written or applied; the message names the layer and the entry. */
public class LayerException extends Exception {

  /** With a message naming the layer, the entry and what went wrong. */
  public LayerException(String message) {
    super(message);
  }

  /** With a message and the underlying cause. */
  public LayerException(String message, Throwable cause) {
    super(message, cause);
  }
}
