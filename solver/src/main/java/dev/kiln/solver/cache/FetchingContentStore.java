package dev.kiln.solver.cache;

import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.ContentNotFoundException;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.solver.store.ProgressInputStream;
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
 * <p>A blob that no imported cache lists is missing as in the local store ({@link
 * ContentNotFoundException}, the port's contract); one that the caches list but that cannot be
 * fetched from any of them (deleted, corrupt, unreachable after the client's retries) throws {@link
 * BlobUnavailableException}. On either, when a cached input result needs the blob, the scheduler
 * drops the cached results that need it and runs their steps instead. {@link #contains} answers for
 * the local store only, so an image pull still fetches what it lacks from its own registry.
 *
 * <p>Thread-safe; concurrent reads of the same missing blob fetch it once.
 */
public final class FetchingContentStore implements ContentStore {

  private final ContentStore local;
  private final List<ImportedCache> sources;
  private final ProgressListener progress;
  private final ConcurrentHashMap<Digest, CompletableFuture<Void>> inflight =
      new ConcurrentHashMap<>();

  /**
   * A store reporting nothing; see {@link #FetchingContentStore(ContentStore, List,
   * ProgressListener)}.
   */
  public FetchingContentStore(ContentStore local, List<ImportedCache> sources) {
    this(local, sources, ProgressListener.NONE);
  }

  /**
   * @param local where blobs are stored and read
   * @param sources the imported caches, in the order they are tried
   * @param progress each download is a line of its own ({@link #downloadLine}): {@code downloading
   *     sha256:… from <cache>}, started, bytes, then completed or failed
   */
  public FetchingContentStore(
      ContentStore local, List<ImportedCache> sources, ProgressListener progress) {
    this.local = Objects.requireNonNull(local, "local");
    this.sources = List.copyOf(sources);
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** The progress vertex id under which the download of {@code blob} is reported. */
  public static Digest downloadLine(Digest blob) {
    return Digests.sha256("kiln.cache-download:" + blob);
  }

  @Override
  public boolean contains(Digest digest) throws IOException {
    return local.contains(digest);
  }

  @Override
  public long size(Digest digest) throws IOException {
    return fetched(digest, local::size);
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    return fetched(digest, local::open);
  }

  @Override
  public InputStream openUnverified(Digest digest, long offset) throws IOException {
    return fetched(digest, d -> local.openUnverified(d, offset));
  }

  /** A local read of {@code digest}, fetching the blob first when it is not stored. */
  private <T> T fetched(Digest digest, LocalRead<T> read) throws IOException {
    try {
      return read.apply(digest);
    } catch (ContentNotFoundException e) {
      fetch(digest, e);
      return read.apply(digest);
    }
  }

  private interface LocalRead<T> {
    T apply(Digest digest) throws IOException;
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
      Digest line = downloadLine(digest);
      String name = "downloading " + digest + " from " + c.source();
      progress.vertexStarted(line, name);
      try {
        c.fetch(digest, new Reporting(line, c.blob(digest).size()));
        progress.vertexCompleted(line, name);
        return;
      } catch (IOException e) {
        progress.vertexFailed(line, name, e.getMessage());
        failures.add(e.getMessage());
        last = e;
      }
    }
    if (failures.isEmpty()) {
      throw notHere;
    }
    throw new BlobUnavailableException(
        digest, "blob " + digest + " cannot be fetched: " + String.join("; ", failures), last);
  }

  /** The local store, reporting the bytes written through it. */
  private final class Reporting implements ContentStore {
    private final Digest line;
    private final long total;

    Reporting(Digest line, long total) {
      this.line = line;
      this.total = total;
    }

    @Override
    public boolean contains(Digest digest) throws IOException {
      return local.contains(digest);
    }

    @Override
    public long size(Digest digest) throws IOException {
      return local.size(digest);
    }

    @Override
    public InputStream open(Digest digest) throws IOException {
      return local.open(digest);
    }

    @Override
    public InputStream openUnverified(Digest digest, long offset) throws IOException {
      return local.openUnverified(digest, offset);
    }

    @Override
    public Digests.Sized write(InputStream content, Digest expected) throws IOException {
      String id = expected == null ? "blob" : expected.toString();
      return local.write(new ProgressInputStream(content, progress, line, id, total), expected);
    }

    @Override
    public boolean delete(Digest digest) throws IOException {
      return local.delete(digest);
    }
  }
}
