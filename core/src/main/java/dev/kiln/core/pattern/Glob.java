package dev.kiln.core.pattern;

import java.util.regex.Pattern;

/**
 * Go's {@code filepath.Match} for one path component: {@code *} (any run of non-separator
 * characters, dot files included), {@code ?}, {@code [...]} classes with ranges and {@code ^}
 * negation, and {@code \} escapes. A malformed pattern is an {@link IllegalArgumentException}. The
 * one wildcard matcher of COPY/ADD sources: the file op that copies and the content checksum that
 * keys it both expand wildcards with it, so the key covers exactly what is copied. Stateless.
 */
public final class Glob {
  private Glob() {}

  /** True when {@code s} contains a character that makes it a pattern ({@code * ? [ \}). */
  public static boolean hasMeta(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '*' || ch == '?' || ch == '[' || ch == '\\') {
        return true;
      }
    }
    return false;
  }

  /** True when {@code name} matches the whole of {@code pattern}. */
  public static boolean match(String pattern, String name) {
    return compile(pattern).matcher(name).matches();
  }

  static Pattern compile(String pattern) {
    StringBuilder re = new StringBuilder();
    int[] cps = pattern.codePoints().toArray();
    int i = 0;
    while (i < cps.length) {
      int ch = cps[i];
      if (ch == '*') {
        re.append("[^/]*");
      } else if (ch == '?') {
        re.append("[^/]");
      } else if (ch == '\\') {
        if (++i >= cps.length) {
          throw bad(pattern);
        }
        literal(re, cps[i]);
      } else if (ch == '[') {
        i = charClass(pattern, cps, i + 1, re);
        continue;
      } else {
        literal(re, ch);
      }
      i++;
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  /** Appends the class starting after '[' at {@code i}; returns the index after its ']'. */
  private static int charClass(String pattern, int[] cps, int i, StringBuilder re) {
    re.append('[');
    if (i < cps.length && cps[i] == '^') {
      re.append("^/");
      i++;
    }
    int ranges = 0;
    while (true) {
      if (i >= cps.length) {
        throw bad(pattern);
      }
      if (cps[i] == ']' && ranges > 0) {
        re.append(']');
        return i + 1;
      }
      int[] lo = escaped(pattern, cps, i);
      i = lo[1];
      literal(re, lo[0]);
      if (i < cps.length && cps[i] == '-') {
        int[] hi = escaped(pattern, cps, i + 1);
        i = hi[1];
        if (hi[0] < lo[0]) {
          throw bad(pattern);
        }
        re.append('-');
        literal(re, hi[0]);
      }
      ranges++;
    }
  }

  /** One class character (maybe escaped) at {@code i}: {code point, next index}. */
  private static int[] escaped(String pattern, int[] cps, int i) {
    if (i >= cps.length || cps[i] == '-' || cps[i] == ']') {
      throw bad(pattern);
    }
    if (cps[i] == '\\') {
      if (++i >= cps.length) {
        throw bad(pattern);
      }
    }
    return new int[] {cps[i], i + 1};
  }

  private static void literal(StringBuilder re, int cp) {
    re.append("\\x{").append(Integer.toHexString(cp)).append('}');
  }

  private static IllegalArgumentException bad(String pattern) {
    return new IllegalArgumentException("malformed wildcard pattern '" + pattern + "'");
  }
}
