package dev.kiln.solver.layer;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Deterministic test input mixing compressible text and random bytes, as real layers do. */
final class MixedBytes {
  private MixedBytes() {}

  /** {@code size} bytes: alternating runs of numbered text lines and seeded random bytes. */
  static byte[] of(int size, long seed) {
    Random random = new Random(seed);
    byte[] out = new byte[size];
    int at = 0;
    int line = 0;
    while (at < size) {
      int run = Math.min(size - at, 1 + random.nextInt(200_000));
      if (random.nextBoolean()) {
        byte[] chunk = new byte[run];
        random.nextBytes(chunk);
        System.arraycopy(chunk, 0, out, at, run);
        at += run;
      } else {
        int end = at + run;
        while (at < end) {
          byte[] text =
              ("line " + line++ + " of a config file, key=value" + (line % 97) + "\n")
                  .getBytes(StandardCharsets.US_ASCII);
          int n = Math.min(text.length, end - at);
          System.arraycopy(text, 0, out, at, n);
          at += n;
        }
      }
    }
    return out;
  }
}
