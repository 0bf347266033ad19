package dev.kiln.core.cache.internal;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The bits of Go's {@code encoding/json} that kiln must reproduce byte for byte: string escaping
 * and {@code time.Time} text. Public only for {@code dev.kiln.core.cache} and its sub-packages; not
 * an API. Thread-safe.
 */
public final class GoJson {

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  /** RFC 3339 as Go's {@code time.Time.UnmarshalJSON} accepts it: seconds required. */
  private static final Pattern RFC3339 =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

  private GoJson() {}

  /**
   * Appends {@code s} as a Go JSON string: {@code "} and {@code \} escaped, {@code \n \r \t} short
   * forms, other control characters and the HTML-sensitive {@code < > &} and U+2028/U+2029 as
   * {@code \}{@code u00xx}; an unpaired surrogate (Go: invalid UTF-8) becomes {@code \}{@code
   * ufffd}. This is go1.19 to go1.21 (BuildKit v0.11–v0.14 release builds).
   */
  public static StringBuilder appendString(StringBuilder sb, String s) {
    return appendString(sb, s, false);
  }

  /**
   * {@link #appendString(StringBuilder, String)}, with {@code go122} the escaping of Go 1.22 and
   * later, which writes {@code \b} and {@code \f} as short escapes (BuildKit v0.15+).
   */
  public static StringBuilder appendString(StringBuilder sb, String s, boolean go122) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append(go122 ? "\\b" : "\\u0008");
        case '\f' -> sb.append(go122 ? "\\f" : "\\u000c");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            sb.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            // Go writes invalid UTF-8 as the escape text, not as the character
            sb.append("\\ufffd");
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  /**
   * Go's {@code time.Time} JSON text (RFC 3339 with nanoseconds, trailing fractional zeros and a
   * then empty fraction dropped, {@code Z} for a zero offset, else {@code ±hh:mm}).
   *
   * @throws IllegalArgumentException if the year is outside 0–9999 or the offset has seconds (Go
   *     cannot write either)
   */
  public static String formatTime(OffsetDateTime t) {
    if (t.getYear() < 0 || t.getYear() > 9999) {
      throw new IllegalArgumentException("time " + t + " has a year outside 0-9999");
    }
    ZoneOffset offset = t.getOffset();
    if (offset.getTotalSeconds() % 60 != 0) {
      throw new IllegalArgumentException("time " + t + " has an offset with seconds");
    }
    StringBuilder sb = new StringBuilder(35).append(SECONDS.format(t));
    int nanos = t.getNano();
    if (nanos != 0) {
      String frac = String.format("%09d", nanos);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    sb.append(offset.getTotalSeconds() == 0 ? "Z" : offset.getId());
    return sb.toString();
  }

  /**
   * Parses a time as Go's {@code time.Time.UnmarshalJSON} does (RFC 3339, seconds required,
   * fraction of 1–9 digits, {@code Z} or {@code ±hh:mm}); the offset is kept.
   *
   * @throws IllegalArgumentException if {@code s} is not such a time
   */
  public static OffsetDateTime parseTime(String s) {
    if (s == null || !RFC3339.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + s + "' is not an RFC 3339 time");
    }
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + s + "' is not an RFC 3339 time: " + e.getMessage());
    }
  }
}
