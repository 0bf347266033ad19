package dev.kiln.image;

import java.io.IOException;

/**
 * Resolving or fetching a base image failed. The message names the reference, where it was looked
 * up and what to do, e.g. "pulling busybox:latest from localhost:5000: manifest unknown — check the
 * image name and tag". Never holds credentials.
 */
public class ImageSourceException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ImageSourceException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception without a cause. */
  public ImageSourceException(String message) {
    super(message);
  }
}
