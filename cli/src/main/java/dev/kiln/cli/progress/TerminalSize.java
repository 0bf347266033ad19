package dev.kiln.cli.progress;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The size of the terminal the tty view draws on. A line as wide as the terminal wraps, and a frame
 * taller than it scrolls, and either way moving the cursor up by the frame's line count no longer
 * reaches the frame's first line, which then stays on the screen. So the size is asked from the
 * terminal itself ({@code stty size} on {@code /dev/tty}); {@code COLUMNS}/{@code LINES} (shell
 * variables that are rarely exported) and 80x24 are the fallbacks.
 *
 * @param columns the width in characters
 * @param rows the height in lines
 */
record TerminalSize(int columns, int rows) {

  /** The fallback when nothing can be asked: the VT100 size. */
  static final TerminalSize DEFAULT = new TerminalSize(80, 24);

  /** Requires a usable size. */
  TerminalSize {
    if (columns < 20 || rows < 5) {
      throw new IllegalArgumentException("terminal too small: " + columns + "x" + rows);
    }
  }

  /** Asks the controlling terminal, then the environment, else {@link #DEFAULT}. */
  static TerminalSize detect(Map<String, String> env) {
    return detect(new File("/dev/tty"), env);
  }

  /** {@link #detect(Map)} asking {@code tty}. */
  static TerminalSize detect(File tty, Map<String, String> env) {
    TerminalSize fromTty = ask(tty);
    if (fromTty != null) {
      return fromTty;
    }
    int columns = positive(env.get("COLUMNS"));
    int rows = positive(env.get("LINES"));
    if (columns >= 20 && rows >= 5) {
      return new TerminalSize(columns, rows);
    }
    return columns >= 20 ? new TerminalSize(columns, DEFAULT.rows) : DEFAULT;
  }

  /** {@code stty size} ("rows columns") with {@code tty} as its input, or null. */
  static TerminalSize ask(File tty) {
    if (!tty.canRead()) {
      return null;
    }
    try {
      Process p =
          new ProcessBuilder("stty", "size")
              .redirectInput(tty)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
      }
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return parse(out);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Parses {@code stty size} output, or null when it is not a usable size. */
  static TerminalSize parse(String sttySize) {
    String[] parts = sttySize.strip().split("\\s+");
    if (parts.length != 2) {
      return null;
    }
    int rows = positive(parts[0]);
    int columns = positive(parts[1]);
    return columns >= 20 && rows >= 5 ? new TerminalSize(columns, rows) : null;
  }

  private static int positive(String s) {
    if (s == null) {
      return -1;
    }
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
