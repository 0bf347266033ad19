package dev.kiln.frontend.dockerfile.convert;

import java.util.Locale;
import java.util.Set;

/**
 * The signals STOPSIGNAL accepts, as moby's {@code signal.ParseSignal} on Linux: a positive number,
 * or a name from its Linux signal map with or without {@code SIG}, in any case ({@code RTMIN+n},
 * {@code RTMAX-n} included).
 */
final class Signals {
  private static final Set<String> NAMES =
      Set.of(
          "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT",
          "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
          "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
          "RTMIN", "RTMAX");

  private Signals() {}

  static boolean valid(String raw) {
    if (raw.matches("-?[0-9]{1,9}")) {
      return Integer.parseInt(raw) != 0; // strconv.Atoi, only 0 refused
    }
    String name = raw.toUpperCase(Locale.ROOT);
    if (name.startsWith("SIG")) {
      name = name.substring(3);
    }
    // and RTMIN+1..RTMIN+15, RTMAX-14..RTMAX-1
    return NAMES.contains(name)
        || name.matches("RTMIN\\+([1-9]|1[0-5])")
        || name.matches("RTMAX-([1-9]|1[0-4])");
  }
}
