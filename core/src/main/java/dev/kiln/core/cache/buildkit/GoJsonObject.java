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
final class GoJsonObject {

  private final StringBuilder sb = new StringBuilder(64).append('{');
  private final boolean shortBf;
  private boolean any;

  /**
   * @param shortBf true for Go 1.22 and later, which write {@code \b} and {@code \f} as short
   *     escapes; go1.19 (BuildKit v0.11) writes {@code \u0008} and {@code \u000c}
   */
  GoJsonObject(boolean shortBf) {
    this.shortBf = shortBf;
  }

  /** A string field with {@code omitempty}. */
  GoJsonObject str(String name, String value) {
    return value == null || value.isEmpty() ? this : strAlways(name, value);
  }

  /** A string field without {@code omitempty}. */
  GoJsonObject strAlways(String name, String value) {
    string(key(name), value);
    return this;
  }

  /** An integer field with {@code omitempty}. */
  GoJsonObject num(String name, long value) {
    return value == 0 ? this : numAlways(name, value);
  }

  /** An integer field without {@code omitempty}. */
  GoJsonObject numAlways(String name, long value) {
    key(name).append(value);
    return this;
  }

  /** A boolean field with {@code omitempty}. */
  GoJsonObject bool(String name, boolean value) {
    if (value) {
      key(name).append("true");
    }
    return this;
  }

  /** A pointer-to-struct field with {@code omitempty}: written unless null, even when empty. */
  GoJsonObject obj(String name, GoJsonObject value) {
    if (value != null) {
      key(name).append(value.json());
    }
    return this;
  }

  /** A {@code []string} field with {@code omitempty}. */
  GoJsonObject strings(String name, List<String> values) {
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
  GoJsonObject objects(String name, List<GoJsonObject> values) {
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
  GoJsonObject byteSlices(String name, List<byte[]> values) {
    StringBuilder b = key(name).append('[');
    for (int i = 0; i < values.size(); i++) {
      (i == 0 ? b : b.append(',')).append('"').append(base64(values.get(i))).append('"');
    }
    b.append(']');
    return this;
  }

  /** A {@code []byte} field with {@code omitempty}: standard base64 with padding. */
  GoJsonObject bytes(String name, byte[] value) {
    if (value != null && value.length > 0) {
      key(name).append('"').append(base64(value)).append('"');
    }
    return this;
  }

  /** A {@code [][]int} field with {@code omitempty}. */
  GoJsonObject intMatrix(String name, List<int[]> rows) {
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
    return dev.kiln.core.cache.internal.GoJson.appendString(b, s, shortBf);
  }

  private static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
