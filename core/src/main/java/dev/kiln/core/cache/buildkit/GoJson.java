package dev.kiln.core.cache.buildkit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Writes JSON exactly as Go's {@code encoding/json} {@code Marshal} does for the structs BuildKit
 * hashes: compact, fields in struct order, {@code omitempty} dropping {@code ""}, {@code 0}, {@code
 * false}, nil pointers and empty slices, and Go's HTML-safe string escaping. Not thread-safe; one
 * instance per object being written.
 */
final class GoJson {

  private final StringBuilder sb = new StringBuilder(64).append('{');
  private final boolean shortBf;
  private boolean any;

  /**
   * @param shortBf true for Go 1.22 and later, which write {@code \b} and {@code \f} as short
   *     escapes; go1.19 (BuildKit v0.11) writes {@code \u0008} and {@code \u000c}
   */
  GoJson(boolean shortBf) {
    this.shortBf = shortBf;
  }

  /** A string field with {@code omitempty}. */
  GoJson str(String name, String value) {
    return value == null || value.isEmpty() ? this : strAlways(name, value);
  }

  /** A string field without {@code omitempty}. */
  GoJson strAlways(String name, String value) {
    string(key(name), value);
    return this;
  }

  /** An integer field with {@code omitempty}. */
  GoJson num(String name, long value) {
    return value == 0 ? this : numAlways(name, value);
  }

  /** An integer field without {@code omitempty}. */
  GoJson numAlways(String name, long value) {
    key(name).append(value);
    return this;
  }

  /** A boolean field with {@code omitempty}. */
  GoJson bool(String name, boolean value) {
    if (value) {
      key(name).append("true");
    }
    return this;
  }

  /** A pointer-to-struct field with {@code omitempty}: written unless null, even when empty. */
  GoJson obj(String name, GoJson value) {
    if (value != null) {
      key(name).append(value.json());
    }
    return this;
  }

  /** A {@code []string} field with {@code omitempty}. */
  GoJson strings(String name, List<String> values) {
    if (values == null || values.isEmpty()) {
      return this;
    }
    StringBuilder b = key(name).append('[');
    for (int i = 0; i < values.size(); i++) {
      string(i == 0 ? b : b.append(','), values.get(i));
    }
    b.append(']');
    return this;
  }

  /** A slice-of-structs field with {@code omitempty}. */
  GoJson objects(String name, List<GoJson> values) {
    if (values == null || values.isEmpty()) {
      return this;
    }
    StringBuilder b = key(name).append('[');
    for (int i = 0; i < values.size(); i++) {
      (i == 0 ? b : b.append(',')).append(values.get(i).json());
    }
    b.append(']');
    return this;
  }

  /** A {@code [][]byte} field (without {@code omitempty}): each element standard base64. */
  GoJson byteSlices(String name, List<byte[]> values) {
    StringBuilder b = key(name).append('[');
    for (int i = 0; i < values.size(); i++) {
      (i == 0 ? b : b.append(',')).append('"').append(base64(values.get(i))).append('"');
    }
    b.append(']');
    return this;
  }

  /** A {@code []byte} field with {@code omitempty}: standard base64 with padding. */
  GoJson bytes(String name, byte[] value) {
    if (value != null && value.length > 0) {
      key(name).append('"').append(base64(value)).append('"');
    }
    return this;
  }

  /** A {@code [][]int} field with {@code omitempty}. */
  GoJson intMatrix(String name, List<int[]> rows) {
    if (rows == null || rows.isEmpty()) {
      return this;
    }
    StringBuilder b = key(name).append('[');
    for (int r = 0; r < rows.size(); r++) {
      (r == 0 ? b : b.append(',')).append('[');
      int[] row = rows.get(r);
      for (int c = 0; c < row.length; c++) {
        (c == 0 ? b : b.append(',')).append(row[c]);
      }
      b.append(']');
    }
    b.append(']');
    return this;
  }

  /** The document text. */
  String json() {
    return sb + "}";
  }

  /** The document as UTF-8 bytes. */
  byte[] bytes() {
    return json().getBytes(StandardCharsets.UTF_8);
  }

  private StringBuilder key(String name) {
    if (any) {
      sb.append(',');
    }
    any = true;
    return string(sb, name).append(':');
  }

  private StringBuilder string(StringBuilder b, String s) {
    return appendString(b, s, shortBf);
  }

  private static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /**
   * Appends {@code s} as Go's {@code encoding/json} writes a string: {@code "} and {@code \}
   * escaped; {@code \n \r \t} (and with {@code shortBf} {@code \b \f}) as short escapes; other
   * control characters, {@code < > &} and U+2028/U+2029 as {@code \}{@code u00xx} (lowercase); an
   * unpaired surrogate (invalid UTF-8 to Go) as {@code \}{@code ufffd}; everything else raw.
   */
  static StringBuilder appendString(StringBuilder b, String s, boolean shortBf) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append(shortBf ? "\\b" : "\\u0008");
        case '\f' -> b.append(shortBf ? "\\f" : "\\u000c");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(hex(c));
          } else if (c == 0x2028 || c == 0x2029) {
            b.append(c == 0x2028 ? "\\u2028" : "\\u2029");
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            b.append("\\ufffd");
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"');
  }

  private static char hex(char c) {
    return Character.forDigit(c & 0xf, 16);
  }
}
