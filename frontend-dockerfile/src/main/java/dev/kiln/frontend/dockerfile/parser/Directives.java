package dev.kiln.frontend.dockerfile.parser;

import java.util.Map;
import java.util.Optional;

/**
 * The parser directives found at the top of a Dockerfile ({@code # syntax=}, {@code # escape=},
 * {@code # check=}). Keys are lower case.
 *
 * @param values every directive seen, by lower-case name
 * @param escapeToken the escape character in force: {@code \} (default) or backtick
 */
public record Directives(Map<String, String> values, char escapeToken) {
  /** Validates and copies. */
  public Directives {
    values = Map.copyOf(values);
    if (escapeToken != '\\' && escapeToken != '`') {
      throw new IllegalArgumentException("escape token must be \\ or `");
    }
  }

  /** Returns the {@code syntax} directive, if present. */
  public Optional<String> syntax() {
    return Optional.ofNullable(values.get("syntax"));
  }

  /** Returns the {@code check} directive, if present. */
  public Optional<String> check() {
    return Optional.ofNullable(values.get("check"));
  }
}
