package dev.kiln.cli;

import dev.kiln.image.export.ExportSpec;
import dev.kiln.image.export.ExportSpecException;
import dev.kiln.oci.Reference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code --cache-to} or {@code --cache-from} value, split as buildx does: a CSV line of {@code
 * key=value} fields ({@code type=registry,ref=host/app:cache,mode=max}); a value without {@code =}
 * is a registry ref ({@code --cache-from host/app:cache} = {@code type=registry,ref=…}); a missing
 * {@code type} with a {@code ref} means {@code registry}. The backend checks the attributes.
 *
 * @param flag {@code --cache-to} or {@code --cache-from}
 * @param typed the value as typed, for messages
 * @param type the backend type
 * @param attrs the attributes without {@code type}, in the order typed
 */
record CacheSpec(String flag, String typed, String type, Map<String, String> attrs) {

  /** Copies the attributes. */
  CacheSpec {
    attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
  }

  /**
   * Parses one value.
   *
   * @throws CliException naming the flag and the value when it is not a valid CSV line of key=value
   *     fields, a key repeats, or the type is missing
   */
  static CacheSpec parse(String flag, String value) throws CliException {
    if (value == null || value.isBlank()) {
      throw new CliException(flag + ": empty value; expected type=registry,ref=REF or REF");
    }
    if (!value.contains("=")) {
      return new CacheSpec(flag, value, "registry", Map.of("ref", value.trim()));
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    try {
      for (String field : ExportSpec.splitCsv(value, flag)) {
        int eq = field.indexOf('=');
        if (eq <= 0) {
          throw new CliException(
              flag + " " + value + ": invalid field '" + field + "', expected key=value");
        }
        String key = field.substring(0, eq).trim();
        if (attrs.put(key, field.substring(eq + 1)) != null) {
          throw new CliException(flag + " " + value + ": attribute '" + key + "' repeats");
        }
      }
    } catch (ExportSpecException e) {
      throw new CliException(e.getMessage(), e);
    }
    String type = attrs.remove("type");
    if (type == null || type.isEmpty()) {
      if (!attrs.containsKey("ref")) {
        throw new CliException(
            flag + " " + value + ": no type; use type=registry,ref=REF or type=local,…");
      }
      type = "registry";
    }
    return new CacheSpec(flag, value, type, attrs);
  }

  /** The normalised {@code ref} of a registry cache, or null for other types or a bad ref. */
  Reference registryRef() {
    if (!"registry".equals(type) || attrs.get("ref") == null) {
      return null;
    }
    try {
      return Reference.parse(attrs.get("ref"));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** True when {@code registry.insecure} asks for plain HTTP. */
  boolean insecure() {
    String v = attrs.get("registry.insecure");
    return v != null && (v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1"));
  }
}
