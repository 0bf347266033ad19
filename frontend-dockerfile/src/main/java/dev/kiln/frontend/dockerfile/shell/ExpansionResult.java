package dev.kiln.frontend.dockerfile.shell;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The result of expanding one word.
 *
 * @param result the expanded word as one string (spaces between words kept)
 * @param words the expanded word split into words, honouring quotes
 * @param matched names of variables that were referenced and set
 * @param unmatched names of variables that were referenced but not set
 */
public record ExpansionResult(
    String result, List<String> words, Set<String> matched, Set<String> unmatched) {
  /** Validates and copies. */
  public ExpansionResult {
    Objects.requireNonNull(result, "result");
    words = List.copyOf(words);
    matched = Set.copyOf(matched);
    unmatched = Set.copyOf(unmatched);
  }
}
