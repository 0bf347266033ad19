package dev.kiln.frontend.dockerfile.instructions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builder flags of one instruction, checked against the flags it accepts (BuildKit BFlags). */
final class Flags {
  enum Kind {
    STRING,
    BOOL,
    LIST
  }

  private final String instruction;
  private final Map<String, Kind> allowed;
  private final Map<String, String> strings = new HashMap<>();
  private final Map<String, Boolean> bools = new HashMap<>();
  private final Map<String, List<String>> lists = new HashMap<>();

  private Flags(String instruction, Map<String, Kind> allowed) {
    this.instruction = instruction;
    this.allowed = allowed;
  }

  static Flags parse(String instruction, List<String> raw, Map<String, Kind> allowed)
      throws InstructionFailure {
    Flags f = new Flags(instruction, new LinkedHashMap<>(allowed));
    for (String word : raw) {
      f.add(word);
    }
    return f;
  }

  private void add(String word) throws InstructionFailure {
    if (!word.startsWith("--")) {
      throw new InstructionFailure("arg should start with -- : " + word);
    }
    String body = word.substring(2);
    int eq = body.indexOf('=');
    String name = eq < 0 ? body : body.substring(0, eq);
    String value = eq < 0 ? null : body.substring(eq + 1);
    if (name.isEmpty()) {
      throw new InstructionFailure("empty flag name in " + instruction + ": " + word);
    }
    Kind kind = allowed.get(name);
    if (kind == null) {
      String hint =
          allowed.isEmpty()
              ? instruction + " takes no flags"
              : "flags of " + instruction + ": --" + String.join(", --", allowed.keySet());
      throw new InstructionFailure("unknown flag: --" + name + " (" + hint + ")");
    }
    if (kind != Kind.LIST && (strings.containsKey(name) || bools.containsKey(name))) {
      throw new InstructionFailure("Duplicate flag specified: --" + name);
    }
    switch (kind) {
      case BOOL -> {
        if (value == null) {
          bools.put(name, true);
        } else {
          String v = value.toLowerCase(Locale.ROOT);
          if (!v.equals("true") && !v.equals("false")) {
            throw new InstructionFailure(
                "expecting boolean value for flag --" + name + ", not: " + value);
          }
          bools.put(name, v.equals("true"));
        }
      }
      case STRING -> {
        if (value == null) {
          throw new InstructionFailure(
              "missing a value on flag: --" + name + " (write --" + name + "=value)");
        }
        strings.put(name, value);
      }
      case LIST -> {
        if (value == null) {
          throw new InstructionFailure(
              "missing a value on flag: --" + name + " (write --" + name + "=value)");
        }
        lists.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
  }

  String string(String name) {
    return strings.get(name);
  }

  boolean bool(String name) {
    return bools.getOrDefault(name, false);
  }

  List<String> list(String name) {
    return List.copyOf(lists.getOrDefault(name, List.of()));
  }
}
