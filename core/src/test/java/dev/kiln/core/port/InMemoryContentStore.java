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

  /** The shared verifying stream, failing with the port's mismatch exception. */
  static final class VerifyingInputStream extends dev.kiln.oci.VerifyingInputStream {
    VerifyingInputStream(InputStream in, Digest expected) {
      super(in, expected, -1, "blob " + expected);
    }

    @Override
    protected IOException mismatch(Digest actual, long actualSize) {
      return new ContentDigestMismatchException(expected(), actual);
    }
  }
}
