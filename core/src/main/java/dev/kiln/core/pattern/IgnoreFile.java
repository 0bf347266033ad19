package dev.kiln.core.pattern;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an ignore file ({@code .dockerignore}) into patterns as moby/patternmatcher's {@code
 * ignorefile.ReadAll} does: a UTF-8 BOM is dropped, lines starting with {@code #} in the first
 * column are comments, surrounding whitespace is trimmed, empty lines are skipped, paths are
 * cleaned ({@code a/../b} to {@code b}), a leading {@code /} is removed, and {@code !} marks an
 * exception. Unlike {@code ReadAll}, every pattern is also compiled here, so a malformed one is
 * reported with its line before any file is read. Stateless and thread-safe.
 */
public final class IgnoreFile {
  private IgnoreFile() {}

  /**
   * Parses the file's text into cleaned patterns and checks each of them.
   *
   * @param text the file's content
   * @return the patterns in order, as {@link PatternMatcher#of} and {@link ContextFilter} take them
   * @throws PatternException for a malformed pattern; {@link PatternException#line()} is its line
   */
  public static List<String> read(String text) throws PatternException {
    List<String> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String pattern = lines[i];
      if (i == 0 && pattern.startsWith("\uFEFF")) {
        pattern = pattern.substring(1);
      }
      if (pattern.startsWith("#")) {
        continue;
      }
      pattern = PathCleaner.trimSpace(pattern);
      if (pattern.isEmpty()) {
        continue;
      }
      boolean invert = pattern.charAt(0) == '!';
      if (invert) {
        pattern = PathCleaner.trimSpace(pattern.substring(1));
      }
      if (!pattern.isEmpty()) {
        pattern = PathCleaner.clean(pattern);
        if (pattern.length() > 1 && pattern.charAt(0) == '/') {
          pattern = pattern.substring(1);
        }
      }
      String cleaned = invert ? "!" + pattern : pattern;
      try {
        PatternMatcher.of(List.of(cleaned));
      } catch (PatternException e) {
        throw new PatternException(i + 1, e.detail());
      }
      out.add(cleaned);
    }
    return List.copyOf(out);
  }
}
