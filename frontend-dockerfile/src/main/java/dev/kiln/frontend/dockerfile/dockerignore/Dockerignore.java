package dev.kiln.frontend.dockerfile.dockerignore;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code .dockerignore} text into patterns as Docker does: lines starting with {@code #} in
 * the first column are comments, surrounding whitespace is trimmed, empty lines are skipped, paths
 * are cleaned ({@code a/../b} to {@code b}), a leading {@code /} is removed, and {@code !} marks an
 * exception. Stateless and thread-safe.
 */
public final class Dockerignore {
  private Dockerignore() {}

  /**
   * Parses the file into cleaned patterns.
   *
   * @param text the file's content
   * @return the patterns in order
   */
  public static List<String> readPatterns(String text) {
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
      pattern = pattern.strip();
      if (pattern.isEmpty()) {
        continue;
      }
      boolean invert = pattern.charAt(0) == '!';
      if (invert) {
        pattern = pattern.substring(1).strip();
      }
      if (!pattern.isEmpty()) {
        pattern = PathCleaner.clean(pattern);
        if (pattern.length() > 1 && pattern.charAt(0) == '/') {
          pattern = pattern.substring(1);
        }
      }
      out.add(invert ? "!" + pattern : pattern);
    }
    return out;
  }

  /**
   * Parses the file and compiles a matcher.
   *
   * @param text the file's content
   * @return the matcher
   * @throws DockerignoreException if a pattern is malformed
   */
  public static PatternMatcher parse(String text) throws DockerignoreException {
    return PatternMatcher.of(readPatterns(text));
  }
}
