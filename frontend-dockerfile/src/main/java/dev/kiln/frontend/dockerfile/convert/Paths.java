package dev.kiln.frontend.dockerfile.convert;

import java.util.ArrayDeque;
import java.util.Deque;

/** Go {@code path.Clean}/{@code path.Join} for the absolute, slash-separated paths of images. */
final class Paths {
  private Paths() {}

  /** {@code p} made absolute against {@code cwd} and cleaned. */
  static String resolve(String cwd, String p) {
    return clean(p.startsWith("/") ? p : cwd + "/" + p);
  }

  /** Cleans an absolute path: no {@code .}, {@code ..} or repeated and trailing slashes. */
  static String clean(String p) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : p.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }
}
