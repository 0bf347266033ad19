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
        if (v == null || !TYPES.contains(v.toLowerCase(Locale.ROOT))) {
          throw new InstructionFailure(
              "unsupported mount type \"" + v + "\" (use bind, cache, tmpfs, secret or ssh)");
        }
        type = v.toLowerCase(Locale.ROOT);
        continue;
      }
      if (v == null) {
        if (key.equals("readonly") || key.equals("readwrite") || key.equals("required")) {
          v = "true";
        } else {
          throw new InstructionFailure("invalid field '" + field + "' must be a key=value pair");
        }
      }
      options.put(key, v);
    }
    if (options.containsKey("sharing")) {
      String s = options.get("sharing");
      if (!Set.of("shared", "private", "locked").contains(s)) {
        throw new InstructionFailure(
            "unrecognized sharing parameter '" + s + "' (use shared, private or locked)");
      }
    }
    if (!type.equals("secret") && !type.equals("ssh") && !options.containsKey("target")) {
      throw new InstructionFailure("mount type " + type + " requires a target (add target=/path)");
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
