package dev.kiln.solver.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that this host can run containers, with one clear line naming what is missing. Stateless.
 */
final class Preflight {

  static final String NO_RUNC =
      "RUN needs the runc executor: install the Debian package runc (runc not found on PATH)";
  static final String NOT_ROOT = "RUN needs root (rootless runc is not supported yet)";

  /** Debian installs runc to /usr/sbin, which a non-login PATH may lack. */
  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  private Preflight() {}

  /**
   * @param runc the runc binary if found
   * @param euid effective uid of this process
   * @return the message to fail with, or empty when runc can be used
   */
  static Optional<String> problem(Optional<Path> runc, long euid) {
    if (runc.isEmpty()) {
      return Optional.of(NO_RUNC);
    }
    if (euid != 0) {
      return Optional.of(NOT_ROOT);
    }
    return Optional.empty();
  }

  /** Looks for an executable {@code name} on {@code path}, then in the sbin directories. */
  static Optional<Path> findOnPath(String name, String path) {
    List<String> dirs = new ArrayList<>();
    if (path != null) {
      for (String d : path.split(":")) {
        if (!d.isEmpty()) {
          dirs.add(d);
        }
      }
    }
    dirs.addAll(EXTRA_DIRS);
    for (String d : dirs) {
      Path p = Path.of(d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * @return the effective uid of this process, from /proc/self/status; -1 if unknown
   */
  static long effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
