package dev.kiln.solver.exec;

import dev.kiln.core.graph.GoQuote;
import java.util.List;

/**
 * The process ran and exited non-zero. Carries the command, the exit code and the last lines of
 * output so that the solver can report the failing step (it wraps this in its own exception that
 * names the step).
 */
public class ExecFailedException extends ExecException {

  private final List<String> command;
  private final int exitCode;
  private final List<String> outputTail;

  /**
   * @param command the process arguments
   * @param exitCode the non-zero exit code (128+n when killed by signal n)
   * @param outputTail the last lines of combined stdout/stderr, oldest first
   */
  public ExecFailedException(List<String> command, int exitCode, List<String> outputTail) {
    super(message(command, exitCode, outputTail));
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.outputTail = List.copyOf(outputTail);
  }

  /**
   * BuildKit's wording: {@code process "sh -c x" did not complete successfully: exit code: 3}, the
   * command joined by blanks and quoted as Go's {@code %q} (so a multi-line script stays on one
   * line), then the last output lines.
   */
  private static String message(List<String> command, int exitCode, List<String> tail) {
    StringBuilder sb = new StringBuilder();
    sb.append("process ").append(GoQuote.quote(String.join(" ", command)));
    sb.append(" did not complete successfully: exit code: ").append(exitCode);
    if (!tail.isEmpty()) {
      sb.append("; last output:");
      for (String line : tail) {
        sb.append("\n  ").append(line);
      }
    }
    return sb.toString();
  }

  /**
   * @return the process arguments
   */
  public List<String> command() {
    return command;
  }

  /**
   * @return the exit code, never 0
   */
  public int exitCode() {
    return exitCode;
  }

  /**
   * @return the last lines of output, oldest first (at most {@value RuncExecutor#TAIL_LINES})
   */
  public List<String> outputTail() {
    return outputTail;
  }
}
