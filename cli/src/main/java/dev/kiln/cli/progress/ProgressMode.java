package dev.kiln.cli.progress;

import java.util.Locale;

/** The values of {@code --progress}, as in {@code docker buildx build}. */
public enum ProgressMode {
  /** {@link #TTY} when standard error is a terminal, else {@link #PLAIN}. */
  AUTO,
  /** One line per event. */
  PLAIN,
  /** A live view redrawn in place: one line per step with its timer and CACHED markers. */
  TTY,
  /** Nothing but the result (and errors). */
  QUIET,
  /** One JSON object per event, for tools. */
  RAWJSON;

  /**
   * Parses a {@code --progress} value.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ProgressMode parse(String value) {
    for (ProgressMode m : values()) {
      if (m.name().toLowerCase(Locale.ROOT).equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "--progress=" + value + " is not one of auto, plain, tty, quiet, rawjson");
  }

  /** This mode with {@link #AUTO} resolved: {@link #TTY} when {@code terminal}, else plain. */
  public ProgressMode resolve(boolean terminal) {
    if (this != AUTO) {
      return this;
    }
    return terminal ? TTY : PLAIN;
  }
}
