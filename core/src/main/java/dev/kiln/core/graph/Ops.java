package dev.kiln.core.graph;

import java.util.List;

/** Shared validation helpers of the op records. */
final class Ops {

  private Ops() {}

  static void requireInputs(String what, int count, int min, int max) {
    if (count < min || count > max) {
      String range =
          min == max
              ? String.valueOf(min)
              : max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
      throw new IllegalArgumentException(
          what + " op takes " + range + " input(s) but was given " + count);
    }
  }

  static List<String> copyStrings(String what, List<String> values) {
    if (values == null) {
      return List.of();
    }
    for (String v : values) {
      if (v == null) {
        throw new IllegalArgumentException(what + " must not be null");
      }
    }
    return List.copyOf(values);
  }

  static String requireAbsolute(String what, String path) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(
          what + " must be an absolute path starting with '/', got '" + path + "'");
    }
    return path;
  }

  static int checkMode(String what, int mode) {
    if (mode < -1 || mode > 07777) {
      throw new IllegalArgumentException(
          what + " mode must be between 0 and 07777 (or -1 for the default), got " + mode);
    }
    return mode;
  }
}
