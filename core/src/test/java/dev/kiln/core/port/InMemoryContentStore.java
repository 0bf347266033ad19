package dev.kiln.core.port;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A {@link ContentStore} fake that keeps blobs in memory. Thread-safe. Test use only. */
public final class InMemoryContentStore implements ContentStore {

  private final ConcurrentMap<Digest, byte[]> blobs = new ConcurrentHashMap<>();

  @Override
  public boolean contains(Digest digest) {
    return blobs.containsKey(digest);
  }

  @Override
  public long size(Digest digest) throws IOException {
    return get(digest).length;
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    return new VerifyingInputStream(new ByteArrayInputStream(get(digest)), digest);
  }

  @Override
  public Digests.Sized write(InputStream content, Digest expected) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Digests.CountingDigestOutputStream out =
        new Digests.CountingDigestOutputStream(
            buf, expected == null ? Digest.SHA256 : expected.algorithm());
    content.transferTo(out);
    Digest actual = out.digest();
    if (expected != null && !expected.equals(actual)) {
      throw new ContentDigestMismatchException(expected, actual);
    }
    blobs.putIfAbsent(actual, buf.toByteArray());
    return new Digests.Sized(actual, out.count());
  }

  @Override
  public boolean delete(Digest digest) {
    return blobs.remove(digest) != null;
  }

  /** Replaces the stored bytes of {@code digest} without changing its key (for contract tests). */
  void corrupt(Digest digest, byte[] bytes) {
    blobs.put(digest, bytes.clone());
  }

  private byte[] get(Digest digest) throws ContentNotFoundException {
    byte[] b = blobs.get(digest);
    if (b == null) {
      throw new ContentNotFoundException(digest);
    }
    return b;
  }

  /** Hashes while reading and fails at the end of the stream if the digest does not match. */
  static final class VerifyingInputStream extends java.io.FilterInputStream {
    private final Digest expected;
    private final Digests.CountingDigestInputStream counting;
    private boolean checked;

    VerifyingInputStream(InputStream in, Digest expected) {
      this(new Digests.CountingDigestInputStream(in, expected.algorithm()), expected);
    }

    private VerifyingInputStream(Digests.CountingDigestInputStream in, Digest expected) {
      super(in);
      this.counting = in;
      this.expected = expected;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        verify();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        verify();
      }
      return n;
    }

    private void verify() throws ContentDigestMismatchException {
      if (!checked) {
        checked = true;
        Digest actual = counting.digest();
        if (!actual.equals(expected)) {
          throw new ContentDigestMismatchException(expected, actual);
        }
      }
    }
  }
}
