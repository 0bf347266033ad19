package dev.kiln.frontend.dockerfile.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes the JSON (exec) form {@code ["a", "b"]}. As in Docker, text that is not a JSON array is
 * not an error here (the caller falls back to the shell form), but a valid array holding anything
 * other than strings is.
 */
final class JsonArrays {
  private static final Object NOT_A_STRING = new Object();

  private final String text;
  private int pos;

  private JsonArrays(String text) {
    this.text = text;
  }

  /**
   * Returns the strings of a JSON array, or empty when the text is not a JSON array.
   *
   * @throws ParseFailure when it is a JSON array but holds a non-string
   */
  static Optional<List<String>> parse(String rest) throws ParseFailure {
    String trimmed = rest.stripLeading();
    if (!trimmed.startsWith("[")) {
      return Optional.empty();
    }
    JsonArrays p = new JsonArrays(trimmed);
    List<Object> values;
    try {
      Object v = p.value();
      p.skipWs();
      if (p.pos != p.text.length()) {
        return Optional.empty();
      }
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) v;
      values = list;
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (Object o : values) {
      if (!(o instanceof String s)) {
        throw new ParseFailure(
            "when using JSON array syntax, arrays must be comprised of strings only");
      }
      out.add(s);
    }
    return Optional.of(out);
  }

  private void skipWs() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private IllegalStateException bad() {
    return new IllegalStateException("invalid JSON at " + pos);
  }

  private Object value() {
    skipWs();
    if (pos >= text.length()) {
      throw bad();
    }
    char c = text.charAt(pos);
    switch (c) {
      case '[':
        return array();
      case '{':
        object();
        return NOT_A_STRING;
      case '"':
        return string();
      default:
        literal();
        return NOT_A_STRING;
    }
  }

  private List<Object> array() {
    pos++;
    List<Object> out = new ArrayList<>();
    skipWs();
    if (pos < text.length() && text.charAt(pos) == ']') {
      pos++;
      return out;
    }
    while (true) {
      out.add(value());
      skipWs();
      if (pos >= text.length()) {
        throw bad();
      }
      char c = text.charAt(pos++);
      if (c == ']') {
        return out;
      }
      if (c != ',') {
        throw bad();
      }
    }
  }

  private void object() {
    pos++;
    skipWs();
    if (pos < text.length() && text.charAt(pos) == '}') {
      pos++;
      return;
    }
    while (true) {
      skipWs();
      if (pos >= text.length() || text.charAt(pos) != '"') {
        throw bad();
      }
      string();
      skipWs();
      if (pos >= text.length() || text.charAt(pos++) != ':') {
        throw bad();
      }
      value();
      skipWs();
      if (pos >= text.length()) {
        throw bad();
      }
      char c = text.charAt(pos++);
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw bad();
      }
    }
  }

  private String string() {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw bad();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw bad();
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw bad();
          }
          try {
            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw bad();
          }
          pos += 4;
        }
        default -> throw bad();
      }
    }
    throw bad();
  }

  private void literal() {
    int start = pos;
    while (pos < text.length() && ",]} \t\r\n".indexOf(text.charAt(pos)) < 0) {
      pos++;
    }
    String lit = text.substring(start, pos);
    if (lit.equals("true") || lit.equals("false") || lit.equals("null")) {
      return;
    }
    if (!lit.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
      throw bad();
    }
  }
}
