package dev.kiln.solver.exec;

/**
 * Receives a container's output line by line, as it is produced (the progress port's log sink).
 *
 * <p>Called from the executor's pump threads, one per stream, so implementations must be
 * thread-safe; stdout and stderr lines may interleave. A line has its trailing newline removed; an
 * over-long line (more than 8 KiB without a newline) arrives in pieces. Bytes that are not UTF-8
 * are replaced.
 */
@FunctionalInterface
public interface OutputListener {

  /** Which output stream a line came from. */
  enum Stream {
    /** The container's standard output. */
    STDOUT,
    /** The container's standard error. */
    STDERR
  }

  /**
   * One line of output.
   *
   * @param stream where it came from
   * @param line the text, without its newline
   */
  void line(Stream stream, String line);

  /** A listener that drops everything. */
  OutputListener DISCARD = (stream, line) -> {};
}
