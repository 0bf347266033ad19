package dev.kiln.core.cache.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Go's {@code path} functions and BuildKit's path helpers that cache keys depend on. Public only
 * for {@code dev.kiln.core.cache} and its sub-packages; not an API. Pure.
 */
public final class GoPaths {

  private GoPaths() {}

  /** Go's {@code path.Join("/", p)}: lexically cleaned, absolute, no trailing slash. */
  public static String joinRoot(String p) {
    Deque<String> parts = new ArrayDeque<>();
    for (String c : p.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(c);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** Go's {@code path.Base}: the last element; {@code /} for the root, {@code .} for empty. */
  public static String base(String p) {
    if (p.isEmpty()) {
      return ".";
    }
    String s = p;
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.equals("/")) {
      return "/";
    }
    return s.substring(s.lastIndexOf('/') + 1);
  }

  /** Go's {@code path.Dir} of an absolute, clean path. */
  public static String dir(String p) {
    int i = p.lastIndexOf('/');
    return i <= 0 ? "/" : p.substring(0, i);
  }

  /**
   * BuildKit's {@code containsWildcards}: {@code *}, {@code ?} or {@code [}, where {@code \}
   * escapes the next byte.
   */
  public static boolean containsWildcards(String name) {
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch == '\\') {
        i++;
      } else if (ch == '*' || ch == '?' || ch == '[') {
        return true;
      }
    }
    return false;
  }

  /**
   * BuildKit's {@code dedupePaths}: drops duplicates and every path lying under another one ({@code
   * p1} has prefix {@code p2 + "/"}), sorted ascending by bytes.
   */
  public static List<String> dedupe(List<String> paths) {
    Set<String> unique = new LinkedHashSet<>(paths);
    List<String> out = new ArrayList<>();
    for (String p1 : unique) {
      boolean skip = false;
      for (String p2 : unique) {
        if (!p1.equals(p2) && p1.startsWith(p2 + "/")) {
          skip = true;
          break;
        }
      }
      if (!skip) {
        out.add(p1);
      }
    }
    out.sort(GoPaths::compareBytes);
    return out;
  }

  /** Go's string comparison: bytewise over UTF-8. */
  public static int compareBytes(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
