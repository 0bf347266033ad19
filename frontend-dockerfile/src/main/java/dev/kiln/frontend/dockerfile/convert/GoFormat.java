package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.GoQuote;
import java.util.Collection;
import java.util.List;

/**
 * Go {@code fmt} renderings BuildKit uses in history entries: {@code %q} of a string slice ({@code
 * ["a" "b"]}), {@code %v} of a slice ({@code [a b]}) and of a port set ({@code map[80/tcp:{}]}), a
 * {@code time.Duration}'s {@code String()} and {@code %q} of an integer (a quoted rune).
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

  /** Go's {@code strconv.Quote}: {@link GoQuote#quote}. */
  static String quote(String s) {
    return GoQuote.quote(s);
  }

  /** Go's {@code time.Duration.String()} of {@code nanos}: "0s", "1.5ms", "1m0s", "1h2m3.5s". */
  static String duration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    long u = Math.abs(nanos);
    if (u < 1_000L) {
      return sign + u + "ns";
    }
    if (u < 1_000_000L) {
      return sign + fraction(u, 1_000L, 3) + "µs";
    }
    if (u < 1_000_000_000L) {
      return sign + fraction(u, 1_000_000L, 6) + "ms";
    }
    long hours = u / 3_600_000_000_000L;
    long minutes = u % 3_600_000_000_000L / 60_000_000_000L;
    long seconds = u % 60_000_000_000L;
    StringBuilder sb = new StringBuilder(sign);
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    return sb.append(fraction(seconds, 1_000_000_000L, 9)).append('s').toString();
  }

  /** {@code v / unit} with the remainder as a decimal fraction, trailing zeros dropped. */
  private static String fraction(long v, long unit, int digits) {
    long rest = v % unit;
    if (rest == 0) {
      return Long.toString(v / unit);
    }
    String f = String.format("%0" + digits + "d", rest).replaceAll("0+$", "");
    return v / unit + "." + f;
  }

  /** Go's {@code %q} of an integer: {@code strconv.QuoteRune}, e.g. '\x00', '\n', 'A'. */
  static String quoteRune(int r) {
    String body =
        switch (r) {
          case 7 -> "\\a";
          case 8 -> "\\b";
          case 9 -> "\\t";
          case 10 -> "\\n";
          case 11 -> "\\v";
          case 12 -> "\\f";
          case 13 -> "\\r";
          case '\'' -> "\\'";
          case '\\' -> "\\\\";
          default -> {
            if (r < 0x20 || r == 0x7f) {
              yield String.format("\\x%02x", r);
            } else if (r < 0x10000 && !Character.isISOControl(r)) {
              yield new String(Character.toChars(r));
            } else {
              yield String.format(r < 0x10000 ? "\\u%04x" : "\\U%08x", r);
            }
          }
        };
    return "'" + body + "'";
  }
}
