package dev.kiln.core.cache.buildkit;

/**
 * Go's {@code path.Match}: {@code *} matches any run of non-{@code /} characters, {@code ?} one
 * non-{@code /} character, {@code [...]} a class ({@code ^} negates, {@code a-z} ranges), {@code \}
 * escapes. Pure.
 */
final class GoMatch {

  private GoMatch() {}

  /**
   * Whether {@code name} matches {@code pattern} as a whole.
   *
   * @throws IllegalArgumentException for a malformed pattern (Go's {@code ErrBadPattern})
   */
  static boolean match(String pattern, String name) {
    String p = pattern;
    String n = name;
    pattern:
    while (!p.isEmpty()) {
      boolean star = false;
      while (!p.isEmpty() && p.charAt(0) == '*') {
        p = p.substring(1);
        star = true;
      }
      int end = chunkEnd(p);
      String chunk = p.substring(0, end);
      p = p.substring(end);
      if (star && chunk.isEmpty()) {
        // A trailing star matches the rest unless it contains a separator.
        return n.indexOf('/') < 0;
      }
      int rest = matchChunk(chunk, n);
      if (rest >= 0 && (rest == n.length() || !p.isEmpty())) {
        n = n.substring(rest);
        continue;
      }
      if (star) {
        for (int i = 0; i < n.length() && n.charAt(i) != '/'; i++) {
          rest = matchChunk(chunk, n.substring(i + 1));
          if (rest >= 0) {
            if (p.isEmpty() && rest != n.length() - i - 1) {
              continue;
            }
            n = n.substring(i + 1 + rest);
            continue pattern;
          }
        }
      }
      // Go checks the rest of the pattern for syntax errors before reporting no match.
      while (!p.isEmpty()) {
        while (!p.isEmpty() && p.charAt(0) == '*') {
          p = p.substring(1);
        }
        int e = chunkEnd(p);
        matchChunk(p.substring(0, e), "");
        p = p.substring(e);
      }
      return false;
    }
    return n.isEmpty();
  }

  /** The end of the next chunk: up to the next unescaped {@code *} outside a class. */
  private static int chunkEnd(String p) {
    boolean inRange = false;
    for (int i = 0; i < p.length(); i++) {
      switch (p.charAt(i)) {
        case '\\' -> i++;
        case '[' -> inRange = true;
        case ']' -> inRange = false;
        case '*' -> {
          if (!inRange) {
            return i;
          }
        }
        default -> {}
      }
    }
    return p.length();
  }

  /**
   * Matches {@code chunk} (no {@code *}) at the start of {@code s}: the number of characters
   * consumed, or -1. Validates the whole chunk even when the match fails early.
   */
  private static int matchChunk(String chunk, String s) {
    boolean failed = false;
    int si = 0;
    int ci = 0;
    while (ci < chunk.length()) {
      if (!failed && si >= s.length()) {
        failed = true;
      }
      char c = chunk.charAt(ci);
      switch (c) {
        case '[' -> {
          int r = 0;
          if (!failed) {
            r = s.codePointAt(si);
            si += Character.charCount(r);
          }
          ci++;
          boolean negated = ci < chunk.length() && chunk.charAt(ci) == '^';
          if (negated) {
            ci++;
          }
          boolean matched = false;
          int ranges = 0;
          while (true) {
            if (ci < chunk.length() && chunk.charAt(ci) == ']' && ranges > 0) {
              ci++;
              break;
            }
            int[] lo = escaped(chunk, ci);
            ci = lo[1];
            int hi = lo[0];
            if (ci < chunk.length() && chunk.charAt(ci) == '-') {
              int[] h = escaped(chunk, ci + 1);
              hi = h[0];
              ci = h[1];
            }
            if (lo[0] <= r && r <= hi) {
              matched = true;
            }
            ranges++;
          }
          if (matched == negated) {
            failed = true;
          }
        }
        case '?' -> {
          if (!failed) {
            if (s.charAt(si) == '/') {
              failed = true;
            }
            si += Character.charCount(s.codePointAt(si));
          }
          ci++;
        }
        case '\\' -> {
          ci++;
          if (ci >= chunk.length()) {
            throw new IllegalArgumentException("syntax error in pattern");
          }
          if (!failed) {
            if (chunk.charAt(ci) != s.charAt(si)) {
              failed = true;
            }
            si++;
          }
          ci++;
        }
        default -> {
          if (!failed) {
            if (c != s.charAt(si)) {
              failed = true;
            }
            si++;
          }
          ci++;
        }
      }
    }
    return failed ? -1 : si;
  }

  /** One class character at {@code i} (after a {@code \} if any): {code point, next index}. */
  private static int[] escaped(String chunk, int i) {
    if (i >= chunk.length() || chunk.charAt(i) == '-' || chunk.charAt(i) == ']') {
      throw new IllegalArgumentException("syntax error in pattern");
    }
    if (chunk.charAt(i) == '\\') {
      i++;
      if (i >= chunk.length()) {
        throw new IllegalArgumentException("syntax error in pattern");
      }
    }
    int cp = chunk.codePointAt(i);
    int next = i + Character.charCount(cp);
    if (next >= chunk.length()) {
      throw new IllegalArgumentException("syntax error in pattern");
    }
    return new int[] {cp, next};
  }
}
