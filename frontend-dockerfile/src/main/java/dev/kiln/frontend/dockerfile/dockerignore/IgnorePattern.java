package dev.kiln.frontend.dockerfile.dockerignore;

import java.util.regex.Pattern;

/**
 * One compiled pattern with Docker's semantics: {@code *} and {@code ?} never match {@code /},
 * {@code **} matches any number of directories, {@code [...]} are character classes, {@code \}
 * escapes. Literal and simple {@code **} patterns take fast paths, as in Docker (including its
 * quirk that a leading {@code **} followed by literal text is a plain suffix test).
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
  private Type type = Type.EXACT;
  private Pattern regex;

  IgnorePattern(String cleaned, boolean exclusion) throws DockerignoreException {
    this.cleaned = cleaned;
    this.exclusion = exclusion;
    compile();
  }

  String cleaned() {
    return cleaned;
  }

  boolean exclusion() {
    return exclusion;
  }

  private void compile() throws DockerignoreException {
    validate();
    StringBuilder re = new StringBuilder("^");
    int[] cps = cleaned.codePoints().toArray();
    boolean inClass = false;
    for (int i = 0; i < cps.length; i++) {
      int ch = cps[i];
      if (inClass) {
        if (ch == ']') {
          inClass = false;
          re.append(']');
        } else if (ch == '\\' && i + 1 < cps.length) {
          re.append('\\').appendCodePoint(cps[++i]);
        } else if (ch == '[' || ch == '&') {
          re.append('\\').appendCodePoint(ch);
        } else {
          re.appendCodePoint(ch);
        }
        continue;
      }
      if (ch == '*') {
        int start = i;
        if (i + 1 < cps.length && cps[i + 1] == '*') {
          i++;
          if (i + 1 < cps.length && cps[i + 1] == '/') {
            i++;
          }
          if (i + 1 >= cps.length) {
            if (type == Type.EXACT) {
              type = Type.PREFIX;
            } else {
              re.append(".*");
              type = Type.REGEX;
            }
          } else {
            re.append("(.*/)?");
            type = Type.REGEX;
          }
          if (start == 0) {
            type = Type.SUFFIX;
          }
        } else {
          re.append("[^/]*");
          type = Type.REGEX;
        }
      } else if (ch == '?') {
        re.append("[^/]");
        type = Type.REGEX;
      } else if (ch == '\\') {
        if (i + 1 < cps.length) {
          literal(re, cps[++i]);
        } else {
          re.append("\\\\");
        }
      } else if (ch == '[') {
        inClass = true;
        re.append('[');
        if (i + 1 < cps.length && cps[i + 1] == '^') {
          re.append('^');
          i++;
        }
        type = Type.REGEX;
      } else {
        literal(re, ch);
      }
    }
    re.append('$');
    if (type == Type.REGEX) {
      regex = Pattern.compile(re.toString(), Pattern.DOTALL);
    }
  }

  private static void literal(StringBuilder re, int ch) {
    if (ch < 128 && !Character.isLetterOrDigit(ch)) {
      re.append('\\');
    }
    re.appendCodePoint(ch);
  }

  /** Rejects what Go's {@code filepath.Match} calls a bad pattern. */
  private void validate() throws DockerignoreException {
    int[] cps = cleaned.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      if (cps[i] == '\\') {
        if (i + 1 >= cps.length) {
          throw bad();
        }
        i++;
      } else if (cps[i] == '[') {
        int j = i + 1;
        if (j < cps.length && cps[j] == '^') {
          j++;
        }
        boolean any = false;
        while (j < cps.length && (cps[j] != ']' || !any)) {
          if (cps[j] == '\\') {
            j++;
          } else if (cps[j] == '-' && !any) {
            throw bad();
          }
          any = true;
          j++;
        }
        if (j >= cps.length) {
          throw bad();
        }
        i = j;
      }
    }
  }

  private DockerignoreException bad() {
    return new DockerignoreException(
        "syntax error in .dockerignore pattern \""
            + (exclusion ? "!" : "")
            + cleaned
            + "\" (check [ ] brackets and a trailing \\)");
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
