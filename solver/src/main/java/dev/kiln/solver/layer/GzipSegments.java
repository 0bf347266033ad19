package dev.kiln.solver.layer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deflated bytes of large file contents, so that a file held by several layers of one process
 * (a builder stage's output and the final stage's {@code COPY --from} of it, both in a {@code
 * mode=max} cache; an image push and a cache export of the same build) is deflated once. {@link
 * ParallelGzipOutputStream} deflates such a content as a segment that depends on nothing before it:
 * its blocks start at the content's first byte, the first without a dictionary; so the same content
 * at the same level deflates to the same bytes in any layer, and replaying them gives exactly the
 * stream deflating would have given.
 *
 * <p>Keyed by level, content length and the content's SHA-256. Bounded: least recently used
 * segments go beyond {@link #BUDGET} bytes, and a segment over {@link #MAX_SEGMENT} bytes or
 * deflating to more than 90 % of its input (random or already compressed content, which is stored
 * cheaply anyway) is not kept. Thread-safe.
 */
final class GzipSegments {

  /** Contents shorter than this are deflated with the rest of the stream, never as segments. */
  static final long MIN_CONTENT = 1 << 20;

  /** Deflated bytes kept in all (about). */
  static final long BUDGET = 64L << 20;

  /** Deflated bytes of one segment at most. */
  static final int MAX_SEGMENT = 24 << 20;

  /**
   * A key.
   *
   * @param level deflate level
   * @param contentLength the content's length (the segment also holds the tar padding after it)
   * @param sha256 the content's digest
   */
  record Key(int level, long contentLength, byte[] sha256) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.level == level
          && k.contentLength == contentLength
          && Arrays.equals(k.sha256, sha256);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(sha256) * 31 + Long.hashCode(contentLength) * 7 + level;
    }
  }

  /**
   * A deflated segment.
   *
   * @param deflated its deflate blocks, ending byte-aligned (sync flush), none final
   * @param crc the CRC-32 of its input
   * @param inputLength its input bytes (content and padding)
   */
  record Segment(byte[] deflated, long crc, long inputLength) {}

  /** A content length at a level: what {@link #mayHave} and the pending segments go by. */
  private record Size(int level, long contentLength) {}

  private final LinkedHashMap<Key, Segment> segments = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Size, Integer> lengths = new HashMap<>();
  private final Map<Size, Integer> pending = new HashMap<>();
  private long bytes;
  private final AtomicLong hits = new AtomicLong();

  /**
   * Whether a segment of a content of this length and level may be here, or is being deflated by
   * another stream (worth hashing the content for).
   */
  synchronized boolean mayHave(int level, long contentLength) {
    Size k = new Size(level, contentLength);
    return lengths.containsKey(k) || pending.containsKey(k);
  }

  /** A stream starts deflating a segment of this length and level (see {@link #awaitPending}). */
  synchronized void started(int level, long contentLength) {
    pending.merge(new Size(level, contentLength), 1, Integer::sum);
  }

  /** A segment {@link #started} is done: kept by {@link #put} before, or dropped. */
  synchronized void ended(int level, long contentLength) {
    pending.computeIfPresent(new Size(level, contentLength), (k, n) -> n == 1 ? null : n - 1);
    notifyAll();
  }

  /**
   * Waits until no other stream deflates a segment of this length and level, so that a layer
   * compressed beside the one holding the same content replays it instead of deflating it too. A
   * stream calls this only with no segment of its own in progress (it has written out all its
   * blocks), so waits never form a cycle; the timeout is a backstop, after which it deflates.
   */
  synchronized void awaitPending(int level, long contentLength) throws InterruptedException {
    Size k = new Size(level, contentLength);
    long until = System.nanoTime() + PENDING_WAIT_NANOS;
    while (pending.containsKey(k)) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  private static final long PENDING_WAIT_NANOS = 120_000_000_000L;

  synchronized Segment get(Key key) {
    Segment s = segments.get(key);
    if (s != null) {
      hits.incrementAndGet();
    }
    return s;
  }

  synchronized void put(Key key, Segment segment) {
    if (segment.deflated().length > MAX_SEGMENT || segments.containsKey(key)) {
      return;
    }
    segments.put(key, segment);
    lengths.merge(new Size(key.level(), key.contentLength()), 1, Integer::sum);
    bytes += segment.deflated().length;
    Iterator<Map.Entry<Key, Segment>> eldest = segments.entrySet().iterator();
    while (bytes > BUDGET && eldest.hasNext()) {
      Map.Entry<Key, Segment> e = eldest.next();
      eldest.remove();
      bytes -= e.getValue().deflated().length;
      lengths.computeIfPresent(
          new Size(e.getKey().level(), e.getKey().contentLength()),
          (k, n) -> n == 1 ? null : n - 1);
    }
  }

  /** How many segments were replayed instead of deflated (for tests and benchmarks). */
  long hits() {
    return hits.get();
  }
}
