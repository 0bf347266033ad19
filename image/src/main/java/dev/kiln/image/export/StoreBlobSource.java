package dev.kiln.image.export;

import dev.kiln.core.port.ContentStore;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.registry.BlobSource;
import java.io.IOException;
import java.io.InputStream;

/**
 * A replayable {@link BlobSource} over a blob in a {@link ContentStore}. Reopening at an offset
 * reads and discards the prefix rather than skipping it, so the store's digest check at the end of
 * the stream still sees every byte.
 */
final class StoreBlobSource implements BlobSource {

  private final ContentStore store;
  private final Descriptor blob;

  StoreBlobSource(ContentStore store, Descriptor blob) {
    this.store = store;
    this.blob = blob;
  }

  @Override
  public Digest digest() {
    return blob.digest();
  }

  @Override
  public long size() {
    return blob.size();
  }

  @Override
  public boolean replayable() {
    return true;
  }

  @Override
  public InputStream openAt(long offset) throws IOException {
    InputStream in = store.open(blob.digest());
    try {
      byte[] skip = new byte[8192];
      long left = offset;
      while (left > 0) {
        int r = in.read(skip, 0, (int) Math.min(skip.length, left));
        if (r < 0) {
          throw new IOException(
              "blob " + blob.digest().shortForm() + " is shorter than the offset " + offset);
        }
        left -= r;
      }
      return in;
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }
}
