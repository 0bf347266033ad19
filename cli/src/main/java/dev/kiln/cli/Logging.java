package dev.kiln.cli;

import dev.kiln.cli.progress.ProgressMode;

/**
 * Where the libraries' SLF4J logging goes (oci-client logs upload retries): the CLI ships
 * slf4j-simple as the provider, so SLF4J never prints its "No SLF4J providers were found" lines,
 * and lets it write to standard error only under {@code --debug} with plain or quiet progress. The
 * tty view redraws standard error in place and rawjson makes it a stream of JSON events, so neither
 * gets log lines. A {@code -Dorg.slf4j.simpleLogger.*} system property set by the user wins.
 */
final class Logging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  /**
   * Configures the provider; must run before the first logger is created (SLF4J initialises once
   * per JVM, so later calls change nothing).
   */
  static void configure(boolean debug, ProgressMode mode) {
    boolean show = debug && (mode == ProgressMode.PLAIN || mode == ProgressMode.QUIET);
    System.getProperties().putIfAbsent(PREFIX + "logFile", "System.err");
    System.getProperties().putIfAbsent(PREFIX + "defaultLogLevel", show ? "debug" : "off");
  }
}
