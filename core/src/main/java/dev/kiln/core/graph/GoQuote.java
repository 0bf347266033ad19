package dev.kiln.core.graph;

/**
 * Go's {@code strconv.Quote} ({@code %q} of a string) for the text Dockerfiles and command lines
 * hold, as BuildKit's history entries and error messages render it: {@code "} and {@code \}
 * escaped, {@code \n \t \r} short forms, other control characters as {@code \xNN}. Thread-safe.
 */
public final class GoQuote {
  private GoQuote() {}

  /** {@code s} quoted. */
  public static String quote(String s) {
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
