package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** EXPOSE port specs ({@code 80}, {@code 80/tcp}, {@code 7000-7010/udp}) as Docker's nat does. */
final class Ports {
  private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

  private Ports() {}

  static List<String> parse(String spec, int line, Conversion conversion)
      throws DockerfileParseException {
    String ports = spec;
    String proto = "tcp";
    int slash = spec.indexOf('/');
    if (slash >= 0) {
      ports = spec.substring(0, slash);
      proto = spec.substring(slash + 1).toLowerCase(Locale.ROOT);
    }
    if (!PROTOCOLS.contains(proto)) {
      throw conversion.error(
          line, "invalid EXPOSE protocol in '" + spec + "' (use tcp, udp or sctp)");
    }
    int dash = ports.indexOf('-');
    int low = port(dash < 0 ? ports : ports.substring(0, dash), spec, line, conversion);
    int high = dash < 0 ? low : port(ports.substring(dash + 1), spec, line, conversion);
    if (high < low) {
      throw conversion.error(line, "invalid EXPOSE port range '" + spec + "': end before start");
    }
    List<String> out = new ArrayList<>();
    for (int p = low; p <= high; p++) {
      out.add(p + "/" + proto);
    }
    return out;
  }

  private static int port(String s, String spec, int line, Conversion conversion)
      throws DockerfileParseException {
    if (s.isEmpty()
        || s.length() > 5
        || !s.chars().allMatch(Character::isDigit)
        || Integer.parseInt(s) > 65535) {
      throw conversion.error(
          line,
          "invalid EXPOSE port '"
              + spec
              + "': expected a number 0-65535, a range like 8000-8010, and an optional /tcp or /udp");
    }
    return Integer.parseInt(s);
  }
}
