package dev.kiln.core.pattern;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One compiled pattern of moby/patternmatcher ({@code Pattern.compile}): {@code *} and {@code ?}
 * never match {@code /}, {@code **} matches any number of directories (also none), {@code [...]}
 * are character classes, {@code \} escapes. Literal patterns and simple {@code **} patterns take
 * patternmatcher's fast paths, including its quirk that a leading {@code **} followed by literal
 * text is a plain suffix test ({@code **file} matches {@code myfile}).
 *
 * <p>Where patternmatcher hands a character to Go's regexp engine unchanged, this class does what
 * that engine would do: {@code ^} outside a class is an anchor (so it can never match in the middle
 * of a pattern that also has a wildcard), and {@code .} inside {@code **} does not match a newline.
 * Two corners are deliberately kept sane instead: an escaped letter ({@code \d}) is that letter,
 * not Go's regexp class, and {@code *} or {@code ?} inside {@code [...]} are literal characters of
 * the class (patternmatcher turns them into a broken regexp). Immutable.
 */
final class IgnorePattern {
  private enum Type {
    EXACT,
    PREFIX,
    SUFFIX,
    REGEX
  }

  private final String cleaned;
  private final boolean exclusion;
  private final Type type;
  private final Pattern regex;

  IgnorePattern(String cleaned, boolean exclusion) throws PatternException {
    this.cleaned = cleaned;
    this.exclusion = exclusion;
    if (!MatchSyntax.valid(cleaned)) {
      throw bad();
    }
    StringBuilder re = new StringBuilder("^");
    int[] cps = cleaned.codePoints().toArray();
    Type t = Type.EXACT;
    boolean inClass = false;
    for (int i = 0; i < cps.length; i++) {
      int ch = cps[i];
      if (inClass) {
        if (ch == ']') {
          inClass = false;
          re.append(']');
        } else if (ch == '\\' && i + 1 < cps.length) {
          quote(re, cps[++i]);
        } else if (ch == '-' || (ch == '^' && cps[i - 1] == '[')) {
          re.appendCodePoint(ch);
        } else {
          quote(re, ch);
        }
        continue;
      }
      int start = i;
      if (ch == '*') {
        if (i + 1 < cps.length && cps[i + 1] == '*') {
          i++;
          if (i + 1 < cps.length && cps[i + 1] == '/') {
            i++;
          }
          if (i + 1 >= cps.length) {
            if (t == Type.EXACT) {
              t = Type.PREFIX;
            } else {
              re.append(".*");
              t = Type.REGEX;
            }
          } else {
            re.append("(.*/)?");
            t = Type.REGEX;
          }
          if (start == 0) {
            t = Type.SUFFIX;
          }
        } else {
          re.append("[^/]*");
          t = Type.REGEX;
        }
      } else if (ch == '?') {
        re.append("[^/]");
        t = Type.REGEX;
      } else if (ch == '\\') {
        // the syntax check guarantees a following character
        quote(re, cps[++i]);
        t = Type.REGEX;
      } else if (ch == '[') {
        inClass = true;
        re.append('[');
        t = Type.REGEX;
      } else if (ch == ']') {
        quote(re, ch);
        t = Type.REGEX;
      } else if (ch == '^') {
        re.append('^');
      } else {
        quote(re, ch);
      }
    }
    this.type = t;
    if (t == Type.REGEX) {
      re.append('$');
      try {
        // UNIX_LINES: '.' excludes only '\n', as in Go's regexp.
        this.regex = Pattern.compile(re.toString(), Pattern.UNIX_LINES);
      } catch (PatternSyntaxException e) {
        // e.g. a reversed range [z-a]: patternmatcher fails on first use with ErrBadPattern
        throw bad();
      }
    } else {
      this.regex = null;
    }
  }

  String cleaned() {
    return cleaned;
  }

  boolean exclusion() {
    return exclusion;
  }

  /** Appends {@code cp} as a literal; anything but an ASCII letter or digit as {@code \x{..}}. */
  private static void quote(StringBuilder re, int cp) {
    if (cp < 128 && Character.isLetterOrDigit(cp)) {
      re.append((char) cp);
    } else {
      re.append("\\x{").append(Integer.toHexString(cp)).append('}');
    }
  }

  private PatternException bad() {
    return new PatternException(
        "syntax error in pattern \""
            + (exclusion ? "!" : "")
            + cleaned
            + "\" (check [ ] brackets, ranges and a trailing \\)");
  }

  boolean matches(String path) {
    switch (type) {
      case EXACT:
        return path.equals(cleaned);
      case PREFIX:
        return path.startsWith(cleaned.substring(0, cleaned.length() - 2));
      case SUFFIX:
        {
          String suffix = cleaned.substring(2);
          if (path.endsWith(suffix)) {
            return true;
          }
          return suffix.startsWith("/") && path.equals(suffix.substring(1));
        }
      default:
        return regex.matcher(path).matches();
    }
  }
}
