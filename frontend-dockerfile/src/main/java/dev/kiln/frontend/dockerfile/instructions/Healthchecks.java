package dev.kiln.frontend.dockerfile.instructions;

import dev.kiln.frontend.dockerfile.instructions.Flags.Kind;
import dev.kiln.frontend.dockerfile.instructions.Instruction.CommandLine;
import dev.kiln.frontend.dockerfile.instructions.Instruction.Location;
import dev.kiln.frontend.dockerfile.parser.Node;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HEALTHCHECK parsing, including Go-style durations ({@code 1m30s}, {@code 500ms}). */
final class Healthchecks {
  private static final Pattern PART = Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|ms|s|m|h)");
  private static final Duration MINIMUM = Duration.ofMillis(1);

  private Healthchecks() {}

  static Instruction.Healthcheck parse(Location loc, Node node) throws InstructionFailure {
    List<String> args = node.args();
    if (args.isEmpty()) {
      throw new InstructionFailure("HEALTHCHECK requires at least one argument");
    }
    String type = args.get(0).toUpperCase(Locale.ROOT);
    if (type.equals("NONE")) {
      if (args.size() > 1 || !node.flags().isEmpty()) {
        throw new InstructionFailure("HEALTHCHECK NONE takes no arguments");
      }
      return new Instruction.Healthcheck(loc, null, null, null, null, null, null);
    }
    if (!type.equals("CMD")) {
      throw new InstructionFailure("Unknown type \"" + args.get(0) + "\" in HEALTHCHECK (try CMD)");
    }
    Flags f =
        Flags.parse(
            "HEALTHCHECK",
            node.flags(),
            Map.of(
                "interval", Kind.STRING,
                "timeout", Kind.STRING,
                "start-period", Kind.STRING,
                "start-interval", Kind.STRING,
                "retries", Kind.STRING));
    List<String> cmd = args.subList(1, args.size());
    if (cmd.isEmpty()) {
      throw new InstructionFailure("Missing command after HEALTHCHECK CMD");
    }
    Integer retries = null;
    if (f.string("retries") != null) {
      try {
        retries = Integer.parseInt(f.string("retries"));
      } catch (NumberFormatException e) {
        throw new InstructionFailure(
            "--retries must be an integer, got \"" + f.string("retries") + "\"");
      }
      if (retries < 0) {
        throw new InstructionFailure("--retries cannot be negative");
      }
    }
    return new Instruction.Healthcheck(
        loc,
        new CommandLine(cmd, !node.json(), List.of()),
        duration(f, "interval"),
        duration(f, "timeout"),
        duration(f, "start-period"),
        duration(f, "start-interval"),
        retries);
  }

  private static Duration duration(Flags f, String name) throws InstructionFailure {
    String v = f.string(name);
    if (v == null) {
      return null;
    }
    Duration d = parseGoDuration(v);
    if (d == null) {
      throw new InstructionFailure(
          "time: invalid duration \"" + v + "\" for --" + name + " (use e.g. 30s, 1m30s)");
    }
    if (!d.isZero() && d.compareTo(MINIMUM) < 0) {
      throw new InstructionFailure("Interval \"" + name + "\" cannot be less than 1ms");
    }
    return d;
  }

  static Duration parseGoDuration(String s) {
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    boolean negative = s.startsWith("-");
    String body = negative || s.startsWith("+") ? s.substring(1) : s;
    if (body.isEmpty()) {
      return null;
    }
    Matcher m = PART.matcher(body);
    int pos = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (pos < body.length()) {
      if (!m.find(pos) || m.start() != pos) {
        return null;
      }
      BigDecimal unit =
          switch (m.group(2)) {
            case "ns" -> BigDecimal.ONE;
            case "us", "µs" -> BigDecimal.valueOf(1_000L);
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            default -> BigDecimal.valueOf(3_600_000_000_000L);
          };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unit));
      pos = m.end();
    }
    Duration d = Duration.ofNanos(nanos.longValue());
    return negative ? d.negated() : d;
  }
}
