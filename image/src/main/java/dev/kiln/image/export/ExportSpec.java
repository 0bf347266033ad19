package dev.kiln.image.export;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code -o/--output} of a build, as {@code docker buildx build} reads it: a CSV line of {@code
 * key=value} fields ({@code type=oci,dest=out.tar}), where a field may be double-quoted to hold
 * commas ({@code "name=a:1,b:1"}) with {@code ""} for a literal quote. A value without {@code =} is
 * shorthand for {@code type=local,dest=VALUE}; {@code type=registry} means {@code
 * type=image,push=true}. Keys are lower-cased. Immutable.
 *
 * @param type the exporter type: {@code image}, {@code oci}, {@code docker} or {@code local}
 * @param attrs the other attributes, in the order given, keys lower-case
 */
public record ExportSpec(String type, Map<String, String> attrs) {

  /** Requires a type; copies the attributes keeping their order. */
  public ExportSpec {
    Objects.requireNonNull(type, "type");
    attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
  }

  /**
   * Parses one {@code --output} value.
   *
   * @throws ExportSpecException if the CSV is malformed, a field has no {@code =}, a key repeats,
   *     or {@code type} is missing
   */
  public static ExportSpec parse(String spec) throws ExportSpecException {
    Objects.requireNonNull(spec, "spec");
    if (spec.isBlank()) {
      throw new ExportSpecException("empty --output: expected type=TYPE,key=value,…");
    }
    if (spec.equals("-")) {
      throw new ExportSpecException(
          "--output - (a tar on standard output) is not supported; use type=oci,dest=FILE");
    }
    if (!spec.contains("=") && !spec.contains(",")) {
      return new ExportSpec("local", Map.of("dest", spec));
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    for (String field : splitCsv(spec)) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        throw new ExportSpecException(
            "invalid field '" + field + "' in --output '" + spec + "': expected key=value");
      }
      String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (attrs.put(key, field.substring(eq + 1)) != null) {
        throw new ExportSpecException("attribute '" + key + "' repeats in --output '" + spec + "'");
      }
    }
    String type = attrs.remove("type");
    if (type == null || type.isEmpty()) {
      throw new ExportSpecException(
          "--output '" + spec + "' has no type: use type=image|registry|oci|docker|local");
    }
    if (type.equals("registry")) {
      type = "image";
      String push = attrs.putIfAbsent("push", "true");
      if (push != null && !push.equals("true")) {
        throw new ExportSpecException("type=registry always pushes; remove push=" + push);
      }
    }
    return new ExportSpec(type, attrs);
  }

  /**
   * The spec for {@code -t NAME… [--push]}: {@code type=image,name=NAME,…,push=true}.
   *
   * @throws ExportSpecException if {@code tags} is empty
   */
  public static ExportSpec fromTags(List<String> tags, boolean push) throws ExportSpecException {
    if (tags.isEmpty()) {
      throw new ExportSpecException("--push needs at least one -t NAME");
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("name", String.join(",", tags));
    attrs.put("push", Boolean.toString(push));
    return new ExportSpec("image", attrs);
  }

  /** The attribute's value, or null. */
  public String get(String key) {
    return attrs.get(key);
  }

  /** The comma-separated names of the {@code name} attribute; empty when absent. */
  public List<String> names() {
    String v = attrs.get("name");
    if (v == null || v.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String n : v.split(",")) {
      if (!n.isBlank()) {
        out.add(n.trim());
      }
    }
    return List.copyOf(out);
  }

  /** Splits like Go's encoding/csv on one record: quoted fields, "" escapes a quote. */
  static List<String> splitCsv(String line) throws ExportSpecException {
    return splitCsv(line, "--output");
  }

  /**
   * Splits one CSV record of {@code key=value} fields as buildx reads its flags (Go's
   * encoding/csv): quoted fields, {@code ""} escapes a quote.
   *
   * @param flag the flag the line came from, for messages ({@code --cache-to} …)
   * @throws ExportSpecException if a quote is unterminated or misplaced
   */
  public static List<String> splitCsv(String line, String flag) throws ExportSpecException {
    List<String> fields = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      cur.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new ExportSpecException("unterminated quote in " + flag + " '" + line + "'");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              cur.append('"');
              i++;
            } else {
              break;
            }
          } else {
            cur.append(c);
          }
        }
        if (i < n && line.charAt(i) != ',') {
          throw new ExportSpecException(
              "unexpected character after a closing quote in " + flag + " '" + line + "'");
        }
      } else {
        while (i < n && line.charAt(i) != ',') {
          char c = line.charAt(i++);
          if (c == '"') {
            throw new ExportSpecException(
                "a quote inside an unquoted field in "
                    + flag
                    + " '"
                    + line
                    + "': quote the whole field, e.g. \"name=a,b\"");
          }
          cur.append(c);
        }
      }
      fields.add(cur.toString());
      if (i >= n) {
        return fields;
      }
      i++; // the comma
    }
  }
}
