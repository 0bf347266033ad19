package dev.kiln.frontend.dockerfile.dockerignore;

/** A {@code .dockerignore} pattern is malformed; the message names the pattern. */
public class DockerignoreException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and with which pattern
   */
  public DockerignoreException(String message) {
    super(message);
  }
}
