package dev.kiln.cli.progress;

import dev.kiln.core.port.ProgressListener;
import java.io.PrintStream;
import java.util.Map;

/**
 * Shows a build's progress on the terminal: a {@link ProgressListener} that the solver, the image
 * pulls and the exporters report to, plus the build's start and end. Thread-safe; listener calls
 * return quickly.
 */
public interface ProgressDisplay extends ProgressListener, AutoCloseable {

  /**
   * The build is over; prints the summary (if the mode has one) and stops any redraw thread. Safe
   * to call more than once.
   *
   * @param success whether the build succeeded
   */
  void finish(boolean success);

  /**
   * A line of text for the user (a warning, a wait, the {@code --debug} timing): printed where it
   * does not disturb the display (above tty's live view, which is then drawn again below it), and
   * left out by rawjson, whose stream carries JSON events only.
   *
   * @param line the text, without a line break
   */
  void notice(String line);

  /** Same as {@code finish(false)} when {@link #finish} was not called. */
  @Override
  void close();

  /**
   * The display for {@code mode} writing to {@code out}.
   *
   * @param mode a resolved mode (not {@link ProgressMode#AUTO})
   * @param out where progress goes (standard error)
   * @param clock the time source in nanoseconds
   * @param env the environment ({@code COLUMNS}, {@code LINES} when the terminal cannot be asked)
   */
  static ProgressDisplay create(
      ProgressMode mode, PrintStream out, Clock clock, Map<String, String> env) {
    return switch (mode) {
      case PLAIN -> new PlainDisplay(out, clock);
      case TTY -> new TtyDisplay(out, clock, TerminalSize.detect(env));
      case QUIET -> new QuietDisplay(out);
      case RAWJSON -> new RawJsonDisplay(out, clock);
      case AUTO -> throw new IllegalArgumentException("resolve AUTO first");
    };
  }

  /** A monotonic nanosecond clock, replaceable in tests. */
  @FunctionalInterface
  interface Clock {
    /** The system's {@link System#nanoTime()}. */
    Clock SYSTEM = System::nanoTime;

    /** The current time in nanoseconds. */
    long nanos();
  }
}
