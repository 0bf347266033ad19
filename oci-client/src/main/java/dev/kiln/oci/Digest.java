package dev.kiln.oci;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A content digest as defined by the OCI image spec: {@code algorithm ":" encoded}.
 *
 * <p>Only the registered algorithms {@code sha256} (64 lowercase hex characters) and {@code sha512}
 * (128 lowercase hex characters) are accepted; anything else is rejected at construction, so a
 * {@code Digest} that exists is always well formed. Immutable and thread-safe.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

  /** The sha256 algorithm name. */
  public static final String SHA256 = "sha256";

  /** The sha512 algorithm name. */
  public static final String SHA512 = "sha512";

  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  /** Validates the algorithm and the length and alphabet of the encoded part. */
  public Digest {
    if (algorithm == null || hex == null) {
      throw new IllegalArgumentException("digest algorithm and hex must not be null");
    }
    int expected =
        switch (algorithm) {
          case SHA256 -> 64;
          case SHA512 -> 128;
          default ->
              throw new IllegalArgumentException(
                  "unsupported digest algorithm '" + algorithm + "' (expected sha256 or sha512)");
        };
    if (hex.length() != expected || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid "
              + algorithm
              + " digest '"
              + abbreviate(hex)
              + "': expected "
              + expected
              + " lowercase hex characters");
    }
  }

  /**
   * Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}.
   *
   * @throws IllegalArgumentException if the string is not a valid digest
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Digest parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("digest must not be null");
    }
    int colon = s.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "invalid digest '" + abbreviate(s) + "': expected algorithm:hex");
    }
    return new Digest(s.substring(0, colon), s.substring(colon + 1));
  }

  /** Returns true when {@code s} parses as a digest. */
  public static boolean isValid(String s) {
    try {
      parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Builds a sha256 digest from raw hash bytes. */
  public static Digest sha256(byte[] raw) {
    return new Digest(SHA256, toHex(raw));
  }

  /** Builds a digest of {@code algorithm} from raw hash bytes. */
  public static Digest of(String algorithm, byte[] raw) {
    return new Digest(algorithm.toLowerCase(Locale.ROOT), toHex(raw));
  }

  /** The JDK {@link java.security.MessageDigest} name of this digest's algorithm. */
  public String jdkAlgorithm() {
    return SHA512.equals(algorithm) ? "SHA-512" : "SHA-256";
  }

  /** A short form for messages: {@code sha256:0123456789ab}. */
  public String shortForm() {
    return algorithm + ":" + hex.substring(0, 12);
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  @JsonValue
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  static String toHex(byte[] raw) {
    char[] out = new char[raw.length * 2];
    final char[] digits = "0123456789abcdef".toCharArray();
    for (int i = 0; i < raw.length; i++) {
      out[2 * i] = digits[(raw[i] >> 4) & 0xf];
      out[2 * i + 1] = digits[raw[i] & 0xf];
    }
    return new String(out);
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
