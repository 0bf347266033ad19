package dev.kiln.frontend.dockerfile.instructions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses the CSV value of {@code RUN --mount}. */
final class Mounts {
  private static final Set<String> TYPES = Set.of("bind", "cache", "tmpfs", "secret", "ssh");
  private static final Set<String> KEYS =
      Set.of(
          "type",
          "from",
          "source",
          "target",
          "readonly",
          "readwrite",
          "id",
          "sharing",
          "mode",
          "uid",
          "gid",
          "required",
          "size",
          "env");
  private static final Map<String, String> ALIASES =
      Map.of(
          "src", "source",
          "dst", "target",
          "destination", "target",
          "ro", "readonly",
          "rw", "readwrite",
          "rbind", "bind");

  private Mounts() {}

  /**
   * Parses the syntax of one {@code --mount} value: {@code key=value} fields (keys lower-cased,
   * aliases normalised, bare {@code ro}/{@code rw}/{@code required} flags), unknown keys refused.
   * Values may hold variables; what they mean is checked after expansion (the conversion's {@code
   * RunMounts}), as BuildKit parses mounts again with its expander. A type written without a
   * variable is checked here already.
   */
  static Mount parse(String value) throws InstructionFailure {
    String type = "bind";
    Map<String, String> options = new LinkedHashMap<>();
    for (String field : csv(value)) {
      if (field.isEmpty()) {
        continue;
      }
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT).strip();
      String v = eq < 0 ? null : field.substring(eq + 1);
      key = ALIASES.getOrDefault(key, key);
      if (!KEYS.contains(key)) {
        throw new InstructionFailure("unexpected key '" + key + "' in '" + field + "' of --mount");
      }
      if (key.equals("type")) {
        if (v == null || (!v.contains("$") && !TYPES.contains(v.toLowerCase(Locale.ROOT)))) {
          throw new InstructionFailure(
              "unsupported mount type \"" + v + "\" (use bind, cache, tmpfs, secret or ssh)");
        }
        type = v.contains("$") ? v : v.toLowerCase(Locale.ROOT);
        continue;
      }
      if (v == null) {
        if (key.equals("readonly") || key.equals("readwrite") || key.equals("required")) {
          v = "true";
        } else {
          throw new InstructionFailure("invalid field '" + field + "' must be a key=value pair");
        }
      }
      if (key.equals("readonly") || key.equals("readwrite")) {
        // the last of ro/rw wins, as in BuildKit's field loop
        options.remove("readonly");
        options.remove("readwrite");
      }
      options.put(key, v);
    }
    String from = options.get("from");
    if (from != null && from.indexOf('$') >= 0 && from.indexOf('$') != from.length() - 1) {
      throw new InstructionFailure(
          "'from' doesn't support variable expansion, define alias stage instead");
    }
    return new Mount(type, options);
  }

  private static List<String> csv(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < value.length() && value.charAt(i + 1) == '"') {
          sb.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(sb.toString());
        sb.setLength(0);
      } else {
        sb.append(c);
      }
    }
    out.add(sb.toString());
    return out;
  }
}
