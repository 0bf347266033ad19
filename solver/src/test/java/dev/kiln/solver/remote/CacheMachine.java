package dev.kiln.solver.remote;

import dev.kiln.core.cache.remote.BlobFetcher;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.CacheConfigCodec;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.cache.remote.MarshalledCache;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.solver.cache.CacheManager;
import dev.kiln.solver.cache.CombinedCacheManager;
import dev.kiln.solver.cache.FetchingContentStore;
import dev.kiln.solver.cache.KeyGraph;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import dev.kiln.solver.store.LocalContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One machine of a remote-cache test: its own content store and local cache under a directory, a
 * {@link LayerToyRunner} per solve, optional imported caches ({@link Remote}) queried through a
 * {@link CombinedCacheManager} and fetched through a {@link FetchingContentStore}.
 */
final class CacheMachine {

  final LocalContentStore store;
  private final Path cacheDir;
  LayerToyRunner runner;

  CacheMachine(Path dir) throws IOException {
    this.store = LocalContentStore.at(dir.resolve("content"));
    this.cacheDir = dir.resolve("cache");
  }

  /** Solves {@code def} with the context files, importing {@code imports}. */
  SolveResult solve(Definition def, Map<String, String> context, Remote... imports)
      throws Exception {
    return solve(def, context, "", imports);
  }

  SolveResult solve(Definition def, Map<String, String> context, String salt, Remote... imports)
      throws Exception {

    List<ImportedCache> caches = new ArrayList<>();
    for (Remote r : imports) {
      caches.add(r.cache);
    }
    ContentStore s = caches.isEmpty() ? store : new FetchingContentStore(store, caches);
    runner = new LayerToyRunner(s, context);
    runner.salt = salt;
    try (LocalCacheManager local = LocalCacheManager.open(cacheDir)) {
      List<KeyGraph> graphs = new ArrayList<>();
      for (ImportedCache c : caches) {
        graphs.add(KeyGraph.imported(c));
      }
      CacheManager cache = graphs.isEmpty() ? local : new CombinedCacheManager(local, graphs);
      try (Scheduler scheduler = new Scheduler(runner, cache, 2)) {
        return scheduler.solve(def, SolveOptions.DEFAULT);
      }
    }
  }

  /** The cache chains of a solve, as an exporter would marshal them. */
  static MarshalledCache export(SolveResult r, CacheExportMode mode) throws IOException {
    CacheExportOptions o =
        new CacheExportOptions(mode, MediaTypes.Compression.GZIP, null, false, false);
    CacheChains chains = CacheExportWalker.chains(r.keys(), o, CacheMachine::layers);
    return chains.marshal();
  }

  /** Descriptors as they are: the toy's blobs are already "gzip" and carry their diffID. */
  private static List<ExportLayer> layers(
      dev.kiln.solver.cache.CacheResult result, CacheExportOptions options) {
    List<ExportLayer> out = new ArrayList<>();
    for (Descriptor d : result.layers()) {
      Descriptor plain = Descriptor.of(d.mediaType(), d.digest(), d.size());
      String created = d.annotation(CacheAnnotations.CREATED_AT);
      if (created != null) {
        plain = plain.withAnnotation(CacheAnnotations.CREATED_AT, created);
      }
      out.add(ExportLayer.of(plain, Digest.parse(d.annotation(CacheAnnotations.UNCOMPRESSED))));
    }
    return out;
  }

  /**
   * A cache "in a registry": the config as bytes (decoded again, as an importer would), the
   * manifest's descriptors, and blobs served from the exporting machine's store, except deleted
   * ones; fetches are counted.
   */
  static final class Remote {
    final byte[] config;
    final ImportedCache cache;
    final Set<Digest> deleted = ConcurrentHashMap.newKeySet();
    final AtomicInteger fetches = new AtomicInteger();

    Remote(String name, MarshalledCache m, ContentStore blobs) throws Exception {
      this.config = CacheConfigCodec.encode(m.config());
      BlobFetcher fetcher =
          d -> {
            fetches.incrementAndGet();
            if (deleted.contains(d.digest())) {
              throw new IOException("GET " + d.digest() + ": 404 blob unknown");
            }
            InputStream in = blobs.open(d.digest());
            return in;
          };
      this.cache = ImportedCache.of(name, CacheConfigCodec.decode(config), m.layers(), fetcher);
    }
  }
}
