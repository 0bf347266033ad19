package dev.kiln.solver.cache;

import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.ContentNotFoundException;
import dev.kiln.core.port.ContentStore;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local content store plus the blobs of imported caches, fetched on demand: reading a blob that
 * is not stored locally brings it in from the first imported cache whose manifest lists it (digest
 * and size verified while it streams), then reads it locally. This is what makes a cache hit lazy:
 * a result found in an imported cache holds descriptors only, and its layers are downloaded when a
 * step that runs needs its files, or an output needs the bytes.
 *
 * <p>When a blob is needed and cannot be had — no imported cache lists it, or every one that does
 * fails (deleted, corrupt, unreachable after the client's retries) — reads throw {@link
 * BlobUnavailableException}, on which the scheduler drops the cached results that need the blob and
 * runs their steps instead. {@link #contains} answers for the local store only, so an image pull
 * still fetches what it lacks from its own registry.
 *
 * <p>Thread-safe; concurrent reads of the same missing blob fetch it once.
 */
public final class FetchingContentStore implements ContentStore {

  private final ContentStore local;
  private final List<ImportedCache> sources;
  private final ConcurrentHashMap<Digest, CompletableFuture<Void>> inflight =
      new ConcurrentHashMap<>();

  /**
   * @param local where blobs are stored and read
   * @param sources the imported caches, in the order they are tried
   */
  public FetchingContentStore(ContentStore local, List<ImportedCache> sources) {
    this.local = Objects.requireNonNull(local, "local");
    this.sources = List.copyOf(sources);
  }

  @Override
  public boolean contains(Digest digest) throws IOException {
    return local.contains(digest);
  }

  @Override
  public long size(Digest digest) throws IOException {
    try {
      return local.size(digest);
    } catch (ContentNotFoundException e) {
      fetch(digest, e);
      return local.size(digest);
    }
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    try {
      return local.open(digest);
    } catch (ContentNotFoundException e) {
      fetch(digest, e);
      return local.open(digest);
    }
  }

  @Override
  public Digests.Sized write(InputStream content, Digest expected) throws IOException {
    return local.write(content, expected);
  }

  @Override
  public boolean delete(Digest digest) throws IOException {
    return local.delete(digest);
  }

  private void fetch(Digest digest, ContentNotFoundException notHere) throws IOException {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> other = inflight.putIfAbsent(digest, mine);
    if (other != null) {
      try {
        other.join();
        return;
      } catch (CompletionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw e;
      }
    }
    try {
      fetchFromSources(digest, notHere);
      mine.complete(null);
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inflight.remove(digest, mine);
    }
  }

  private void fetchFromSources(Digest digest, ContentNotFoundException notHere)
      throws IOException {
    List<String> failures = new ArrayList<>();
    IOException last = notHere;
    for (ImportedCache c : sources) {
      if (c.blob(digest) == null) {
        continue;
      }
      try {
        c.fetch(digest, local);
        return;
      } catch (IOException e) {
        failures.add(e.getMessage());
        last = e;
      }
    }
    if (failures.isEmpty()) {
      throw new BlobUnavailableException(
          digest,
          "blob " + digest + " is neither in the content store nor in an imported cache",
          notHere);
    }
    throw new BlobUnavailableException(
        digest, "blob " + digest + " cannot be fetched: " + String.join("; ", failures), last);
  }
}
