package dev.kiln.solver.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.remote.MarshalledCache;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.ContentStore;
import dev.kiln.oci.Descriptor;
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
import dev.kiln.solver.worker.LocalWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote cache with the real local worker (file ops and a build context, no runc): export
 * through {@link WorkerResultLayers} (the worker's blob variants), import on a fresh state root,
 * lazy blobs materialised by the worker through {@link FetchingContentStore}.
 */
class WorkerRemoteCacheTest {

  @TempDir Path tmp;

  /** scratch → mkfile → COPY f.txt from the context → mkfile. */
  private static Definition graph() {
    State ctx = State.local("context");
    return State.scratch()
        .file(FileStep.mkdir("/app", 0755), FileStep.mkfile("/app/first", 0644, "1\n"))
        .file(FileStep.copy(ctx, "/f.txt", "/app/f.txt"))
        .file(FileStep.mkfile("/app/last", 0644, "2\n"))
        .definition();
  }

  /** One state root: worker, store and local cache; imports make a lazy, combined view. */
  private final class Root {
    final Path dir;
    final LocalContentStore store;
    LocalWorker worker;

    Root(String name) throws Exception {
      dir = tmp.resolve(name);
      store = LocalContentStore.at(dir.resolve("content"));
    }

    SolveResult solve(Path context, CacheMachine.Remote... imports) throws Exception {
      List<dev.kiln.core.cache.remote.ImportedCache> caches =
          java.util.Arrays.stream(imports).map(r -> r.cache).toList();
      ContentStore s = caches.isEmpty() ? store : new FetchingContentStore(store, caches);
      worker = LocalWorker.builder(dir.resolve("worker"), s).local("context", context).build();
      try (LocalCacheManager local = LocalCacheManager.open(dir.resolve("cache"))) {
        CacheManager cache =
            caches.isEmpty()
                ? local
                : new CombinedCacheManager(local, caches.stream().map(KeyGraph::imported).toList());
        try (Scheduler scheduler = new Scheduler(worker, cache, 2)) {
          return scheduler.solve(graph(), SolveOptions.DEFAULT);
        }
      }
    }

    MarshalledCache export(SolveResult r, CacheExportMode mode, MediaTypes.Compression c)
        throws Exception {
      ResultLayers layers = new WorkerResultLayers(worker, d -> null, null);
      CacheExportOptions o = new CacheExportOptions(mode, c, null, false, false);
      return CacheExportWalker.chains(r.keys(), o, layers).marshal();
    }
  }

  private Path context(String text) throws Exception {
    Path ctx = Files.createDirectories(tmp.resolve("ctx-" + text.hashCode()));
    Files.writeString(ctx.resolve("f.txt"), text);
    return ctx;
  }

  @Test
  void import_freshRoot_hitsLazilyThenMaterialisesTheSameTree() throws Exception {
    Path ctx = context("hello\n");
    Root a = new Root("a");
    SolveResult cold = a.solve(ctx);
    MarshalledCache m = a.export(cold, CacheExportMode.MAX, MediaTypes.Compression.ZSTD);
    CacheMachine.Remote remote = new CacheMachine.Remote("cache", m, a.store);
    Root b = new Root("b");

    SolveResult r = b.solve(ctx, remote);

    assertThat(r.executed()).isEqualTo(1); // the context transfer
    assertThat(remote.fetches).hasValue(0);
    // Locally built layers were converted to the cache's compression.
    assertThat(m.layers())
        .extracting(Descriptor::mediaType)
        .containsOnly(MediaTypes.OCI_LAYER_ZSTD);
    Path rootfs = b.worker.snapshot(r.outputs().get(0));
    assertThat(remote.fetches).hasValue(3);
    assertThat(rootfs.resolve("app/f.txt")).hasContent("hello");
    assertThat(rootfs.resolve("app/last")).hasContent("2");
    assertThat(rootfs.resolve("app/first")).hasContent("1");
  }

  @Test
  void export_preparesTogetherExactlyTheResultsWhoseLayersItAsksFor() throws Exception {
    Path ctx = context("prepare\n");
    Root a = new Root("prep");
    SolveResult r = a.solve(ctx);
    for (CacheExportMode mode : CacheExportMode.values()) {
      java.util.List<dev.kiln.solver.cache.CacheResult> prepared = new java.util.ArrayList<>();
      java.util.Set<dev.kiln.solver.cache.CacheResult> asked = new java.util.HashSet<>();
      ResultLayers worker = new WorkerResultLayers(a.worker, d -> null, null);
      ResultLayers recording =
          new ResultLayers() {
            @Override
            public List<dev.kiln.core.port.ExportLayer> layers(
                dev.kiln.solver.cache.CacheResult result, CacheExportOptions options)
                throws java.io.IOException {
              assertThat(prepared).as("prepared before asked").contains(result);
              asked.add(result);
              return worker.layers(result, options);
            }

            @Override
            public List<String> identities(dev.kiln.solver.cache.CacheResult result)
                throws java.io.IOException {
              return worker.identities(result);
            }

            @Override
            public void prepare(
                List<dev.kiln.solver.cache.CacheResult> results, CacheExportOptions options)
                throws java.io.IOException {
              prepared.addAll(results);
              worker.prepare(results, options);
            }
          };
      CacheExportWalker.chains(
          r.keys(),
          new CacheExportOptions(mode, MediaTypes.Compression.GZIP, null, false, false),
          recording);
      assertThat(asked).as(mode.toString()).isNotEmpty();
      assertThat(prepared).as(mode.toString()).doesNotHaveDuplicates();
      assertThat(new java.util.HashSet<>(prepared)).as(mode.toString()).isEqualTo(asked);
    }
  }

  @Test
  void export_unchangedRebuild_sameConfigAndLayers() throws Exception {
    Path ctx = context("hello\n");
    Root a = new Root("a");
    MarshalledCache first =
        a.export(a.solve(ctx), CacheExportMode.MAX, MediaTypes.Compression.GZIP);

    MarshalledCache second =
        a.export(a.solve(ctx), CacheExportMode.MAX, MediaTypes.Compression.GZIP);

    assertThat(second.config()).isEqualTo(first.config());
    assertThat(second.layers()).isEqualTo(first.layers());
  }

  @Test
  void importedRecordsWithoutTheirBlobs_nextBuildRerunsTheProducersInsteadOfFailing()
      throws Exception {
    Path ctx = context("hello\n");
    Root a = new Root("a");
    CacheMachine.Remote remote =
        new CacheMachine.Remote(
            "cache",
            a.export(a.solve(ctx), CacheExportMode.MAX, MediaTypes.Compression.GZIP),
            a.store);
    Root b = new Root("b");
    b.solve(ctx, remote);

    // Without the import, b's cache has the imported records but not their blobs; f.txt changed,
    // so the COPY must run on the first step's result, whose blob is nowhere.
    SolveResult r = b.solve(context("changed\n"));

    Path rootfs = b.worker.snapshot(r.outputs().get(0));
    assertThat(rootfs.resolve("app/f.txt")).hasContent("changed");
    assertThat(rootfs.resolve("app/first")).hasContent("1");
    // The context, scratch (never needed before), the first step again, the COPY, the last step.
    assertThat(r.executed()).isEqualTo(5);
  }
}
