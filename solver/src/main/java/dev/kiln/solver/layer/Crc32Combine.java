package dev.kiln.solver.layer;

/**
 * CRC-32 (the gzip polynomial) of a concatenation from the CRCs of its parts, so blocks can be
 * checksummed on different threads. CRCs are polynomials over GF(2) in the reflected bit order zlib
 * uses (bit 31 is x^0); appending {@code n} bytes to a message multiplies its CRC by x^(8n) modulo
 * the CRC polynomial, so {@code crc(A ∥ B) = crc(A) · x^(8·|B|) + crc(B)}. The factor x^(8n) is
 * found by squaring (a table of x^(2^k)), in O(log n) multiplications. Stateless.
 */
final class Crc32Combine {
  /** The reflected CRC-32 polynomial. */
  private static final int POLY = 0xedb88320;

  /** ONE represents the polynomial 1 (x^0) in reflected order. */
  private static final int ONE = 0x80000000;

  /** POWERS[k] = x^(2^k) mod POLY. */
  private static final int[] POWERS = new int[32];

  static {
    int p = ONE >>> 1; // x^1
    for (int k = 0; k < 32; k++) {
      POWERS[k] = p;
      p = multiply(p, p);
    }
  }

  private Crc32Combine() {}

  /** The factor that shifts a CRC past {@code bytes} more bytes: x^(8·bytes) mod POLY. */
  static long shift(long bytes) {
    int p = ONE;
    long bits = bytes;
    int k = 3; // 8 = 2^3 bits per byte
    while (bits != 0) {
      if ((bits & 1) != 0) {
        p = multiply(POWERS[k & 31], p);
      }
      bits >>>= 1;
      k++;
    }
    return Integer.toUnsignedLong(p);
  }

  /**
   * The CRC-32 of A ∥ B, given crc(A), crc(B) and {@code shift(|B|)}.
   *
   * @param crcA CRC-32 of the first part (0 for an empty one)
   * @param crcB CRC-32 of the second part
   * @param shiftB {@link #shift(long)} of the second part's length
   */
  static long combine(long crcA, long crcB, long shiftB) {
    return Integer.toUnsignedLong(multiply((int) shiftB, (int) crcA) ^ (int) crcB);
  }

  /** a · b mod POLY, both in reflected order. */
  private static int multiply(int a, int b) {
    int product = 0;
    int m = ONE;
    while (m != 0) {
      if ((a & m) != 0) {
        product ^= b;
      }
      // b · x: a right shift in reflected order, reduced by the polynomial.
      b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
      m >>>= 1;
    }
    return product;
  }
}
