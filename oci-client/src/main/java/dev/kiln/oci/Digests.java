package dev.kiln.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one place where kiln hashes content. Hashing is always done while streaming, together with
 * counting, so that no content needs to be read twice or held in memory.
 */
public final class Digests {

  private Digests() {}

  /** A new sha256 {@link MessageDigest}. */
  public static MessageDigest newSha256() {
    return newDigest(Digest.SHA256);
  }

  /** A new {@link MessageDigest} for an OCI algorithm name ({@code sha256}, {@code sha512}). */
  public static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(Digest.SHA512.equals(algorithm) ? "SHA-512" : "SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  /** The sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return Digest.sha256(newSha256().digest(bytes));
  }

  /** The sha256 digest of the UTF-8 bytes of {@code s}. */
  public static Digest sha256(String s) {
    return sha256(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The sha256 digest and size of a file, streamed. */
  public static Sized sha256(Path file) throws IOException {
    try (CountingDigestInputStream in =
        new CountingDigestInputStream(Files.newInputStream(file), Digest.SHA256)) {
      in.transferTo(OutputStream.nullOutputStream());
      return new Sized(in.digest(), in.count());
    }
  }

  /** A digest together with the number of bytes it covers. */
  public record Sized(Digest digest, long size) {}

  /**
   * An input stream that hashes and counts everything read through it. {@link #digest()} may be
   * called once the stream is exhausted. Not thread-safe.
   */
  public static final class CountingDigestInputStream extends FilterInputStream {
    private final MessageDigest md;
    private final String algorithm;
    private long count;

    /** Wraps {@code in}, hashing with {@code algorithm} ({@code sha256} or {@code sha512}). */
    public CountingDigestInputStream(InputStream in, String algorithm) {
      super(in);
      this.algorithm = algorithm;
      this.md = newDigest(algorithm);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        md.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        md.update(b, off, n);
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipping would leave bytes out of the hash; read them instead.
      byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
      long left = n;
      while (left > 0) {
        int r = read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          break;
        }
        left -= r;
      }
      return n - left;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    /** Bytes read so far. */
    public long count() {
      return count;
    }

    /** The digest of everything read so far; call once, after the end of the stream. */
    public Digest digest() {
      return Digest.of(algorithm, md.digest());
    }
  }

  /**
   * An output stream that hashes and counts everything written through it before passing it on. Not
   * thread-safe.
   */
  public static final class CountingDigestOutputStream extends java.io.FilterOutputStream {
    private final MessageDigest md;
    private final String algorithm;
    private long count;

    /** Wraps {@code out}, hashing with {@code algorithm}. */
    public CountingDigestOutputStream(OutputStream out, String algorithm) {
      super(out);
      this.algorithm = algorithm;
      this.md = newDigest(algorithm);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      md.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      md.update(b, off, len);
      count += len;
    }

    /** Bytes written so far. */
    public long count() {
      return count;
    }

    /** The digest of everything written so far; call once. */
    public Digest digest() {
      return Digest.of(algorithm, md.digest());
    }
  }
}
