package dev.kiln.frontend.dockerfile.parser;

import java.util.List;
import java.util.Objects;

/**
 * A parsed Dockerfile: its instructions in order, its directives and parse warnings.
 *
 * @param fileName the input's name, used in messages
 * @param nodes the instructions, never empty
 * @param directives the parser directives
 * @param warnings non-fatal findings, e.g. empty continuation lines
 */
public record ParseResult(
    String fileName, List<Node> nodes, Directives directives, List<String> warnings) {
  /** Validates and copies. */
  public ParseResult {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(directives, "directives");
    nodes = List.copyOf(nodes);
    warnings = List.copyOf(warnings);
  }

  /** Returns the escape character in force. */
  public char escapeToken() {
    return directives.escapeToken();
  }
}
