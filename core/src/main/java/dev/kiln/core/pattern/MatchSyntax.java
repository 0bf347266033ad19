package dev.kiln.core.pattern;

/**
 * The syntax rules of Go's {@code filepath.Match} (Unix), which patternmatcher applies to every
 * pattern: the pattern splits into chunks at each {@code *} outside brackets; in a chunk a {@code
 * \} must escape a character, and a class {@code [^...]} holds one or more ranges {@code c} or
 * {@code c-c}, where {@code c} is any character but {@code -} and {@code ]} (or one escaped with
 * {@code \}) and must not end the pattern. Range order is not checked here (Go's {@code Match} does
 * not check it either). Stateless.
 */
final class MatchSyntax {
  private MatchSyntax() {}

  /** True when Go's {@code filepath.Match(pattern, ...)} would not return {@code ErrBadPattern}. */
  static boolean valid(String pattern) {
    int[] p = pattern.codePoints().toArray();
    int i = 0;
    while (i < p.length) {
      while (i < p.length && p[i] == '*') {
        i++;
      }
      int end = i;
      boolean inRange = false;
      for (; end < p.length; end++) {
        int c = p[end];
        if (c == '\\') {
          if (end + 1 < p.length) {
            end++;
          }
        } else if (c == '[') {
          inRange = true;
        } else if (c == ']') {
          inRange = false;
        } else if (c == '*' && !inRange) {
          break;
        }
      }
      if (!validChunk(p, i, end)) {
        return false;
      }
      i = end;
    }
    return true;
  }

  private static boolean validChunk(int[] p, int i, int end) {
    while (i < end) {
      if (p[i] == '[') {
        i++;
        if (i < end && p[i] == '^') {
          i++;
        }
        for (int ranges = 0; ; ranges++) {
          if (i < end && p[i] == ']' && ranges > 0) {
            i++;
            break;
          }
          i = rangeChar(p, i, end);
          if (i >= 0 && p[i] == '-') {
            i = rangeChar(p, i + 1, end);
          }
          if (i < 0) {
            return false;
          }
        }
      } else if (p[i] == '\\') {
        if (i + 1 >= end) {
          return false;
        }
        i += 2;
      } else {
        i++;
      }
    }
    return true;
  }

  /** Go's {@code getEsc}: the index after one class character, or -1 if malformed. */
  private static int rangeChar(int[] p, int i, int end) {
    if (i >= end || p[i] == '-' || p[i] == ']') {
      return -1;
    }
    if (p[i] == '\\' && ++i >= end) {
      return -1;
    }
    return i + 1 < end ? i + 1 : -1;
  }
}
