package dev.kiln.solver.worker;

import dev.kiln.core.port.BlobProvider;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.solver.store.ProgressInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Brings blobs known only by descriptor into the content store when something needs their bytes:
 * the layers of base images (registered when the image is resolved, fetched through its {@link
 * ImageSource} with byte progress under the image's vertex) and anything {@link BlobProvider}s
 * added to the worker know (an imported remote cache). Each blob is fetched at most once at a time;
 * the store verifies its digest. {@link #lazyStore()} is the content store as an exporter sees it:
 * blobs not fetched yet look present and are fetched on first read. Thread-safe.
 */
final class BlobFetcher {

  private record ImageBlob(Digest vertex, ImageSource source, ResolvedImage image) {}

  private final ContentStore store;
  private final ProgressListener progress;
  private final Map<Digest, ImageBlob> images = new ConcurrentHashMap<>();
  private final Map<Digest, Descriptor> known = new ConcurrentHashMap<>();
  private final List<BlobProvider> providers = new CopyOnWriteArrayList<>();
  private final Map<Digest, Object> locks = new ConcurrentHashMap<>();

  BlobFetcher(ContentStore store, ProgressListener progress) {
    this.store = store;
    this.progress = progress;
  }

  /** The local content store (no fetching). */
  ContentStore store() {
    return store;
  }

  /** Makes the layers of {@code image} fetchable, reporting bytes under {@code vertex}. */
  void registerImage(Digest vertex, ImageSource source, ResolvedImage image) {
    for (Descriptor d : image.layers()) {
      images.putIfAbsent(d.digest(), new ImageBlob(vertex, source, image));
      known.putIfAbsent(d.digest(), d);
    }
  }

  /** Whether {@code blob} is a layer of a base image resolved by this worker. */
  boolean isImageLayer(Digest blob) {
    return images.containsKey(blob);
  }

  /** Asks {@code provider} for blobs that neither the store nor a base image has. */
  void addProvider(BlobProvider provider) {
    providers.add(provider);
  }

  /**
   * Ensures {@code blob} is in the content store, fetching it if missing from its base image or a
   * provider. A blob none of them knows is left to the store itself, which may fetch it when it is
   * read (an imported cache's {@code FetchingContentStore}) or report it missing.
   *
   * @throws IOException if fetching fails
   */
  void ensure(Descriptor blob) throws IOException {
    Digest digest = blob.digest();
    if (store.contains(digest)) {
      return;
    }
    synchronized (locks.computeIfAbsent(digest, d -> new Object())) {
      if (store.contains(digest)) {
        return;
      }
      ImageBlob ib = images.get(digest);
      if (ib != null) {
        fetchImageLayer(ib, blob);
        return;
      }
      for (BlobProvider p : providers) {
        try (InputStream in = p.open(blob)) {
          if (in != null) {
            store.write(in, digest);
            return;
          }
        }
      }
    }
  }

  private void fetchImageLayer(ImageBlob ib, Descriptor d) throws IOException {
    String id = d.digest().toString();
    progress.bytes(ib.vertex(), id, 0, d.size());
    try (InputStream in =
        new ProgressInputStream(
            ib.source().openBlob(ib.image(), d), progress, ib.vertex(), id, d.size())) {
      store.write(in, d.digest());
    } catch (IOException e) {
      throw new IOException(
          "pulling layer " + id + " of " + ib.image().ref() + ": " + e.getMessage(), e);
    }
  }

  /** The content store with blobs fetched on first read (for exporters). */
  ContentStore lazyStore() {
    return new ContentStore() {
      @Override
      public boolean contains(Digest digest) throws IOException {
        return store.contains(digest) || images.containsKey(digest);
      }

      @Override
      public long size(Digest digest) throws IOException {
        Descriptor d = known.get(digest);
        if (!store.contains(digest) && d != null) {
          return d.size();
        }
        return store.size(digest);
      }

      @Override
      public InputStream open(Digest digest) throws IOException {
        Descriptor d = known.get(digest);
        if (d != null) {
          ensure(d);
        }
        return store.open(digest);
      }

      @Override
      public InputStream openUnverified(Digest digest, long offset) throws IOException {
        Descriptor d = known.get(digest);
        if (d != null) {
          ensure(d);
        }
        return store.openUnverified(digest, offset);
      }

      @Override
      public Digests.Sized write(InputStream content, Digest expected) throws IOException {
        return store.write(content, expected);
      }

      @Override
      public boolean delete(Digest digest) throws IOException {
        return store.delete(digest);
      }
    };
  }
}
