package dev.kiln.cli.progress;

import dev.kiln.oci.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of every step seen so far, in order of first appearance, numbered from 1 like
 * BuildKit's {@code #N}. Not thread-safe: displays synchronize on it.
 */
final class Steps {

  /** One step: a vertex or an export. Mutable, guarded by the owning {@link Steps}. */
  static final class Step {
    final int number;
    final Digest digest;
    String name;
    long started = -1;
    long ended = -1;
    boolean cached;
    String error;
    final Map<String, long[]> transfers = new LinkedHashMap<>();
    final List<String> logs = new ArrayList<>();

    Step(int number, Digest digest, String name) {
      this.number = number;
      this.digest = digest;
      this.name = name;
    }

    boolean done() {
      return cached || ended >= 0 || error != null;
    }

    /** Seconds from start to end (or to {@code now} while running); 0 for a cached step. */
    double seconds(long now) {
      if (started < 0) {
        return 0;
      }
      long end = ended >= 0 ? ended : now;
      return (end - started) / 1e9;
    }
  }

  static final int LOG_TAIL = 6;

  private final Map<Digest, Step> byDigest = new LinkedHashMap<>();

  /** The step for {@code digest}, created with the next number when new. */
  Step get(Digest digest, String name) {
    Step s = byDigest.get(digest);
    if (s == null) {
      s = new Step(byDigest.size() + 1, digest, name);
      byDigest.put(digest, s);
    } else if (name != null && !name.isEmpty()) {
      s.name = name;
    }
    return s;
  }

  List<Step> all() {
    return List.copyOf(byDigest.values());
  }

  int count() {
    return byDigest.size();
  }

  int doneCount() {
    int n = 0;
    for (Step s : byDigest.values()) {
      if (s.done()) {
        n++;
      }
    }
    return n;
  }

  /** Human size as BuildKit prints transfers: {@code 1.23MB}. */
  static String size(long bytes) {
    if (bytes < 1000) {
      return bytes + "B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int i = -1;
    while (v >= 1000 && i < units.length - 1) {
      v /= 1000;
      i++;
    }
    return String.format(java.util.Locale.ROOT, "%.2f%s", v, units[i]);
  }
}
