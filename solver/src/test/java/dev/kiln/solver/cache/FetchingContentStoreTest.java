package dev.kiln.solver.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.remote.BlobFetcher;
import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ContentStoreContract;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.solver.store.LocalContentStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lazy store: core's {@link ContentStoreContract} without sources (it is then the local store),
 * plus fetching from imported caches.
 */
class FetchingContentStoreTest extends ContentStoreContract {

  @TempDir Path root;

  private static final byte[] BLOB = "layer bytes".getBytes(StandardCharsets.UTF_8);
  private static final Descriptor DESC =
      Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(BLOB), BLOB.length);

  @Override
  protected ContentStore newStore() throws IOException {
    return new FetchingContentStore(LocalContentStore.at(root), List.of());
  }

  @Override
  protected void corrupt(ContentStore store, Digest digest, byte[] bytes) throws IOException {
    Files.write(LocalContentStore.at(root).blobPath(digest), bytes);
  }

  private static ImportedCache cache(String name, BlobFetcher fetcher) throws Exception {
    return ImportedCache.of(name, new CacheConfig(List.of(), List.of()), List.of(DESC), fetcher);
  }

  /** A cache listing the blob whose every fetch fails with {@code message}. */
  private static ImportedCache failing(String name, String message) throws Exception {
    return cache(
        name,
        d -> {
          throw new IOException(message);
        });
  }

  @Test
  void open_blobOfAnImportedCache_fetchedOnceThenLocal() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    LocalContentStore local = LocalContentStore.at(root.resolve("local"));
    ContentStore store =
        new FetchingContentStore(
            local,
            List.of(
                cache(
                    "cache",
                    d -> {
                      fetches.incrementAndGet();
                      return new ByteArrayInputStream(BLOB);
                    })));

    assertThat(store.contains(DESC.digest())).isFalse();
    try (InputStream in = store.open(DESC.digest())) {
      assertThat(in.readAllBytes()).isEqualTo(BLOB);
    }
    assertThat(store.size(DESC.digest())).isEqualTo(BLOB.length);

    assertThat(fetches).hasValue(1);
    assertThat(local.contains(DESC.digest())).isTrue();
  }

  @Test
  void open_firstCacheFails_secondServes() throws Exception {
    ContentStore store =
        new FetchingContentStore(
            LocalContentStore.at(root),
            List.of(
                failing("gone", "404 blob unknown"),
                cache("there", d -> new ByteArrayInputStream(BLOB))));

    try (InputStream in = store.open(DESC.digest())) {
      assertThat(in.readAllBytes()).isEqualTo(BLOB);
    }
  }

  @Test
  void open_unfetchable_blobUnavailableNamingBlobAndCauseStoresNothing() throws Exception {
    LocalContentStore local = LocalContentStore.at(root);
    ContentStore store =
        new FetchingContentStore(
            local, List.of(failing("registry localhost:5000/cache:main", "503 after 3 retries")));

    assertThatThrownBy(() -> store.open(DESC.digest()))
        .isInstanceOfSatisfying(
            BlobUnavailableException.class, e -> assertThat(e.digest()).isEqualTo(DESC.digest()))
        .hasMessageContaining(DESC.digest().toString())
        .hasMessageContaining("registry localhost:5000/cache:main")
        .hasMessageContaining("503 after 3 retries");
    assertThat(local.contains(DESC.digest())).isFalse();
  }

  @Test
  void open_corruptBlobInTheCache_blobUnavailableStoresNothing() throws Exception {
    LocalContentStore local = LocalContentStore.at(root);
    ContentStore store =
        new FetchingContentStore(
            local,
            List.of(
                cache(
                    "cache",
                    d ->
                        new ByteArrayInputStream("other bytes".getBytes(StandardCharsets.UTF_8)))));

    assertThatThrownBy(() -> store.open(DESC.digest()))
        .isInstanceOf(BlobUnavailableException.class);
    assertThat(BlobUnavailableException.missingBlob(new IOException("wrapped", catchOpen(store))))
        .isEqualTo(DESC.digest());
    assertThat(local.contains(DESC.digest())).isFalse();
  }

  private static Throwable catchOpen(ContentStore store) {
    try {
      store.open(DESC.digest()).close();
      throw new AssertionError("expected a failure");
    } catch (IOException e) {
      return e;
    }
  }

  @Test
  void open_fetch_reportedAsItsOwnProgressLineWithBytes() throws Exception {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    Digest line = FetchingContentStore.downloadLine(DESC.digest());
    ProgressListener progress =
        new ProgressListener() {
          @Override
          public void vertexStarted(Digest vertex, String name) {
            events.add((vertex.equals(line) ? "started " : "other ") + name);
          }

          @Override
          public void bytes(Digest vertex, String id, long current, long total) {
            events.add("bytes " + id + " " + current + "/" + total);
          }

          @Override
          public void vertexCompleted(Digest vertex, String name) {
            events.add("completed");
          }
        };
    ContentStore store =
        new FetchingContentStore(
            LocalContentStore.at(root),
            List.of(cache("registry r/cache:main", d -> new ByteArrayInputStream(BLOB))),
            progress);

    store.open(DESC.digest()).close();

    assertThat(events)
        .containsExactly(
            "started downloading " + DESC.digest() + " from registry r/cache:main",
            "bytes " + DESC.digest() + " " + BLOB.length + "/" + BLOB.length,
            "completed");
  }
}
