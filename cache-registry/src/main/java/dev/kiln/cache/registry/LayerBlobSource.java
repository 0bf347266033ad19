package dev.kiln.cache.registry;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.registry.BlobSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * A layer blob to export, read from the local content store; a layer that is not there is first
 * fetched from its origin — only when its bytes are really needed (not for a blob the target has or
 * can mount). Replayable: a reopen starts at the offset. Read without hashing ({@link
 * ContentStore#openUnverified}): the registry refuses bytes that do not hash to the digest.
 */
final class LayerBlobSource implements BlobSource {

  private final Descriptor layer;
  private final ExportLayer source;
  private final ContentStore store;
  private final OriginFetcher origins;
  private volatile LongConsumer sent = n -> {};

  LayerBlobSource(Descriptor layer, ExportLayer source, ContentStore store, OriginFetcher origins) {
    this.layer = layer;
    this.source = source;
    this.store = store;
    this.origins = origins;
  }

  /** The layer as the solver handed it over (its origin, diffID). */
  ExportLayer exportLayer() {
    return source;
  }

  /** Reports bytes read to {@code listener} from now on. */
  LayerBlobSource reporting(LongConsumer listener) {
    this.sent = listener;
    return this;
  }

  @Override
  public Digest digest() {
    return layer.digest();
  }

  @Override
  public long size() {
    return layer.size();
  }

  @Override
  public boolean replayable() {
    return true;
  }

  @Override
  public InputStream openAt(long offset) throws IOException {
    synchronized (this) {
      if (!store.contains(layer.digest())) {
        origins.fetch(source, store);
      }
    }
    // The registry checks the digest of what it receives: no second hash here.
    InputStream in = store.openUnverified(layer.digest(), offset);
    LongConsumer listener = sent;
    return new FilterInputStream(in) {
      private long count = offset;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          listener.accept(++count);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int r = super.read(b, off, len);
        if (r > 0) {
          count += r;
          listener.accept(count);
        }
        return r;
      }
    };
  }
}
