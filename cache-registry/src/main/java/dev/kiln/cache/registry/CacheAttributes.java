package dev.kiln.cache.registry;

import dev.kiln.core.port.CacheAttributeException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The attributes of one {@code --cache-to}/{@code --cache-from} entry (without {@code type}),
 * checked against the keys a backend knows. Every error names the flag, the attribute and what is
 * accepted.
 */
final class CacheAttributes {

  private final String flag;
  private final Map<String, String> values;

  /**
   * @param flag how the entry is named in messages, e.g. {@code --cache-to type=registry}
   * @throws CacheAttributeException for a key outside {@code known}
   */
  CacheAttributes(String flag, Map<String, String> values, Set<String> known) {
    this.flag = flag;
    this.values = Map.copyOf(values);
    for (String key : new TreeSet<>(values.keySet())) {
      if (!known.contains(key)) {
        throw new CacheAttributeException(
            flag
                + ": unknown attribute '"
                + key
                + "' (known: "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }

  String flag() {
    return flag;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  /** The value of a required attribute; it must be present and non-empty. */
  String required(String key, String example) {
    String v = values.get(key);
    if (v == null || v.isEmpty()) {
      throw new CacheAttributeException(flag + " requires " + key + "= (e.g. " + example + ")");
    }
    return v;
  }

  /** The value, or null when absent. */
  String optional(String key) {
    return values.get(key);
  }

  /**
   * A boolean as Go's {@code strconv.ParseBool} reads it ({@code 1 t T TRUE true True 0 f F FALSE
   * false False}); an empty value means {@code emptyMeans}.
   */
  boolean bool(String key, boolean absent, boolean emptyMeans) {
    String v = values.get(key);
    if (v == null) {
      return absent;
    }
    if (v.isEmpty()) {
      return emptyMeans;
    }
    if (List.of("1", "t", "T", "TRUE", "true", "True").contains(v)) {
      return true;
    }
    if (List.of("0", "f", "F", "FALSE", "false", "False").contains(v)) {
      return false;
    }
    throw new CacheAttributeException(
        flag + ": " + key + "=" + v + " is not a boolean (use true or false)");
  }

  /** One of {@code choices}, or {@code absent}. */
  String choice(String key, String absent, List<String> choices) {
    String v = values.get(key);
    if (v == null) {
      return absent;
    }
    if (!choices.contains(v)) {
      throw new CacheAttributeException(
          flag
              + ": "
              + key
              + "="
              + v
              + " is not supported (use "
              + String.join(", ", choices)
              + ")");
    }
    return v;
  }

  /** An integer in {@code [min, max]}, or null when absent. */
  Integer integer(String key, int min, int max) {
    String v = values.get(key);
    if (v == null) {
      return null;
    }
    try {
      int i = Integer.parseInt(v);
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CacheAttributeException(
        flag + ": " + key + "=" + v + " must be an integer from " + min + " to " + max);
  }
}
