package dev.kiln.frontend.dockerfile.shell;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Shell wildcard patterns of {@code ${V#p}}, {@code ${V%p}} and {@code ${V/p/r}}: {@code *} and
 * {@code ?} only (no bracket expressions), as BuildKit supports them.
 */
final class ShellPatterns {
  private ShellPatterns() {}

  static Pattern toRegex(String pattern, boolean greedy, boolean anchored)
      throws ShellWord.Failure {
    StringBuilder out = new StringBuilder();
    if (anchored) {
      out.append('^');
    }
    int[] cps = pattern.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int tok = cps[i];
      if (tok == '*') {
        out.append(greedy ? ".*" : ".*?");
      } else if (tok == '?') {
        out.append('.');
      } else if (tok == '\\') {
        int after = i + 1 < cps.length ? cps[i + 1] : ShellWord.EOF;
        if (after == '}' || after == '/') {
          // the escape only protected the delimiter of ${}; it is not part of the pattern
          continue;
        }
        if (after != '*' && after != '?' && after != '\\') {
          String shown = after == ShellWord.EOF ? "" : new String(Character.toChars(after));
          throw new ShellWord.Failure(
              "invalid pattern ("
                  + pattern
                  + ") in substitution: invalid escape '\\"
                  + shown
                  + "'");
        }
        out.append('\\').appendCodePoint(after);
        i++;
      } else {
        literal(out, tok);
      }
    }
    try {
      return Pattern.compile(out.toString());
    } catch (PatternSyntaxException e) {
      throw new ShellWord.Failure(
          "invalid pattern (" + pattern + ") in substitution: " + e.getDescription());
    }
  }

  private static void literal(StringBuilder out, int ch) {
    if (ch < 128 && !Character.isLetterOrDigit(ch)) {
      out.append('\\');
    }
    out.appendCodePoint(ch);
  }

  static String trimPrefix(String pattern, String value, boolean greedy) throws ShellWord.Failure {
    Matcher m = toRegex(pattern, greedy, true).matcher(value);
    return m.find() ? value.substring(m.end()) : value;
  }

  static String trimSuffix(String pattern, String value, boolean greedy) throws ShellWord.Failure {
    // a regex cannot find the shortest rightmost match, so reverse pattern and value
    String reversed = trimPrefix(reversePattern(pattern), reverse(value), greedy);
    return reverse(reversed);
  }

  static String replace(String pattern, String value, String replacement, boolean all)
      throws ShellWord.Failure {
    Matcher m = toRegex(pattern, true, false).matcher(value);
    String literal = Matcher.quoteReplacement(replacement);
    return all ? m.replaceAll(literal) : m.replaceFirst(literal);
  }

  private static String reversePattern(String pattern) {
    int[] in = pattern.codePoints().toArray();
    int[] out = new int[in.length];
    int last = in.length - 1;
    for (int i = 0; i <= last; ) {
      int outIdx = last - i;
      if (in[i] == '\\' && i != last) {
        // keep an escape in front of the character it escapes
        out[outIdx - 1] = in[i];
        out[outIdx] = in[i + 1];
        i += 2;
      } else {
        out[outIdx] = in[i];
        i++;
      }
    }
    return new String(out, 0, out.length);
  }

  private static String reverse(String s) {
    int[] cps = s.codePoints().toArray();
    int[] out = new int[cps.length];
    for (int i = 0; i < cps.length; i++) {
      out[cps.length - 1 - i] = cps[i];
    }
    return new String(out, 0, out.length);
  }
}
