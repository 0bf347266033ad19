package dev.kiln.core.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ImportedCacheTest {

  static final byte[] BASE = "base layer".getBytes(StandardCharsets.UTF_8);
  static final byte[] TOP = "top layer".getBytes(StandardCharsets.UTF_8);
  static final Digest BASE_D = Digests.sha256(BASE);
  static final Digest TOP_D = Digests.sha256(TOP);
  static final Digest MISSING = Digests.sha256("not in the manifest");
  static final Digest SEL = Digests.sha256("/");
  static final OffsetDateTime T1 = OffsetDateTime.parse("2026-01-01T00:00:01Z");
  static final OffsetDateTime T2 = OffsetDateTime.parse("2026-01-01T00:00:02Z");

  final Map<Digest, byte[]> remote = new HashMap<>(Map.of(BASE_D, BASE, TOP_D, TOP));
  final AtomicInteger fetches = new AtomicInteger();

  ImportedCache cache() throws CacheFormatException {
    CacheConfig config =
        new CacheConfig(
            List.of(
                CacheConfig.Layer.of(BASE_D, -1),
                CacheConfig.Layer.of(TOP_D, 0),
                CacheConfig.Layer.of(MISSING, 0)),
            List.of(
                new CacheConfig.Record(null, null, Digests.sha256("img"), null),
                new CacheConfig.Record(
                    List.of(new CacheConfig.Result(1, T1), new CacheConfig.Result(2, T2)),
                    null,
                    Digests.sha256("run"),
                    List.of(List.of(new CacheConfig.Input(SEL, 0)))),
                new CacheConfig.Record(
                    null,
                    List.of(new CacheConfig.ChainedResult(List.of(0, 1), T2)),
                    Digests.sha256("run"),
                    List.of(List.of(new CacheConfig.Input(null, 0))))));
    List<Descriptor> blobs =
        List.of(
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, BASE_D, BASE.length),
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, TOP_D, TOP.length),
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, BASE_D, BASE.length));
    return ImportedCache.of(
        "test cache",
        config,
        blobs,
        d -> {
          fetches.incrementAndGet();
          byte[] b = remote.get(d.digest());
          if (b == null) {
            throw new IOException("gone");
          }
          return new ByteArrayInputStream(b);
        });
  }

  @Test
  void graph_linksChildrenAndResolvableResults() throws Exception {
    ImportedCache c = cache();
    assertThat(fetches).hasValue(0);
    ImportedCache.Node img = c.nodes(Digests.sha256("img")).get(0);
    assertThat(img.isRoot()).isTrue();
    assertThat(c.nodes(Digests.sha256("run"))).hasSize(2);
    assertThat(img.children(0, SEL, Digests.sha256("run"))).hasSize(1);
    assertThat(img.children(0, null, Digests.sha256("run"))).hasSize(1);
    assertThat(img.children(1, SEL, Digests.sha256("run"))).isEmpty();
    ImportedCache.Node run = img.children(0, SEL, Digests.sha256("run")).get(0);
    assertThat(run.inputs().get(0)).containsExactly(new ImportedCache.Link(img, SEL));
    // the result needing a blob the manifest does not list is dropped
    assertThat(run.results()).hasSize(1);
    assertThat(run.results().get(0).chain())
        .extracting(Descriptor::digest)
        .containsExactly(BASE_D, TOP_D);
    ImportedCache.Node chained = img.children(0, null, Digests.sha256("run")).get(0);
    assertThat(chained.results().get(0).createdAt()).isEqualTo(T2.toInstant());
    assertThat(c.nodes(MISSING)).isEmpty();
  }

  @Test
  void fetch_storesVerifiedBlobOnceAndOnlyWhenAsked() throws Exception {
    ImportedCache c = cache();
    InMemoryContentStore store = new InMemoryContentStore();
    c.fetch(TOP_D, store);
    c.fetch(TOP_D, store);
    assertThat(store.contains(TOP_D)).isTrue();
    assertThat(fetches).hasValue(1);
  }

  @Test
  void fetch_corruptOrMissingBlob_failsAndStoresNothing() throws Exception {
    ImportedCache c = cache();
    InMemoryContentStore store = new InMemoryContentStore();
    remote.put(TOP_D, "tampered".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> c.fetch(TOP_D, store))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(TOP_D.toString())
        .hasMessageContaining("test cache");
    assertThat(store.contains(TOP_D)).isFalse();
    remote.remove(BASE_D);
    assertThatThrownBy(() -> c.fetch(BASE_D, store)).hasMessageContaining("gone");
    assertThatThrownBy(() -> c.fetch(MISSING, store)).hasMessageContaining("does not list");
  }

  @Test
  void of_invalidConfig_isRejected() {
    CacheConfig bad = new CacheConfig(List.of(CacheConfig.Layer.of(BASE_D, 4)), null);
    assertThatThrownBy(() -> ImportedCache.of("x", bad, List.of(), d -> null))
        .isInstanceOf(CacheFormatException.class);
  }
}
