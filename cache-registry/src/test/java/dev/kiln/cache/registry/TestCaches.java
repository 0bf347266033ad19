package dev.kiln.cache.registry;

import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small cache graphs with real blobs in a content store, for exporter and importer tests. */
final class TestCaches {

  static final Digest SELECTOR = Digests.sha256("/");
  static final Instant CREATED = Instant.parse("2026-03-01T12:00:00.25Z");

  private TestCaches() {}

  /** A layer of {@code size} pseudo-random bytes (seeded by name) stored in {@code store}. */
  static ExportLayer layer(ContentStore store, String name, int size, String mediaType)
      throws IOException {
    byte[] bytes = new byte[size];
    new Random(name.hashCode()).nextBytes(bytes);
    Digest d = store.write(new ByteArrayInputStream(bytes), null).digest();
    return ExportLayer.of(Descriptor.of(mediaType, d, size), Digests.sha256("diff " + name));
  }

  /**
   * {@code image → step0 → step1 → …}, each step with a result whose chain is the base layer plus
   * the steps' layers so far; a second root (a content key) links into step 0.
   */
  static CacheChains chain(ContentStore store, String prefix, int steps) throws IOException {
    CacheChains c = new CacheChains();
    CacheChains.Item prev = c.add(Digests.sha256(prefix + " image"));
    CacheChains.Item content = c.add(Digests.sha256(prefix + " content"));
    List<ExportLayer> layers = new ArrayList<>();
    layers.add(layer(store, prefix + " base", 3000, MediaTypes.OCI_LAYER_GZIP));
    for (int i = 0; i < steps; i++) {
      layers.add(layer(store, prefix + " step " + i, 1000 + 100 * i, MediaTypes.OCI_LAYER_GZIP));
      CacheChains.Item step =
          c.add(Digests.sha256(prefix + " step " + i), i == 0 ? 2 : 1).linkFrom(prev, 0, SELECTOR);
      if (i == 0) {
        step.linkFrom(content, 1, null);
      }
      step.addResult(List.copyOf(layers), CREATED.plusSeconds(i));
      prev = step;
    }
    return c;
  }
}
