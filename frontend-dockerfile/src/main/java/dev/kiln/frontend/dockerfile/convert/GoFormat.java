package dev.kiln.frontend.dockerfile.convert;

import java.util.Collection;
import java.util.List;

/**
 * Go {@code fmt} renderings BuildKit uses in history entries: {@code %q} of a string slice ({@code
 * ["a" "b"]}), {@code %v} of a slice ({@code [a b]}) and of a port set ({@code map[80/tcp:{}]}).
 */
final class GoFormat {
  private GoFormat() {}

  static String quoteList(List<String> items) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(quote(items.get(i)));
    }
    return sb.append(']').toString();
  }

  static String list(List<String> items) {
    return "[" + String.join(" ", items) + "]";
  }

  static String setAsMap(Collection<String> sortedKeys) {
    StringBuilder sb = new StringBuilder("map[");
    boolean first = true;
    for (String k : sortedKeys) {
      if (!first) {
        sb.append(' ');
      }
      first = false;
      sb.append(k).append(":{}");
    }
    return sb.append(']').toString();
  }

  /** Go's {@code strconv.Quote} for the characters Dockerfiles contain. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
