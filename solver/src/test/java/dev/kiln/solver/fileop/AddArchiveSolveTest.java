package dev.kiln.solver.fileop;

import static dev.kiln.solver.layer.TestArchives.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.layer.TestArchives;
import dev.kiln.solver.layer.TestArchives.Kind;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import dev.kiln.solver.store.LocalContentStore;
import dev.kiln.solver.worker.LocalWorker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADD end to end through the local worker and the scheduler, with a graph built by core's {@link
 * State} builder (the solver does not depend on the Dockerfile frontend): the archive is extracted
 * into the snapshot and into the layer, and the result is cached by content.
 */
class AddArchiveSolveTest {
  @TempDir Path tmp;
  private Path ctx;
  private Path state;
  private LocalContentStore store;

  @BeforeEach
  void setUp() throws IOException {
    ctx = Files.createDirectories(tmp.resolve("ctx"));
    state = tmp.resolve("state");
    store = LocalContentStore.at(state.resolve("content"));
  }

  private static Definition graph() {
    State context = State.local("context");
    return State.scratch()
        .file(FileStep.add(context, "/rootfs.tar.zst", "/opt/"))
        .named("ADD rootfs.tar.zst /opt/")
        .definition();
  }

  private record Solved(LocalWorker worker, SolveResult result) {}

  private Solved solve() throws Exception {
    LocalWorker worker =
        LocalWorker.builder(state.resolve("worker"), store).local("context", ctx).build();
    try (LocalCacheManager cache = LocalCacheManager.open(state.resolve("cache"));
        Scheduler scheduler = new Scheduler(worker, cache)) {
      return new Solved(worker, scheduler.solve(graph(), SolveOptions.DEFAULT));
    }
  }

  @Test
  void solve_addZstdArchive_extractedIntoSnapshotAndLayerAndCachedByContent() throws Exception {
    TestArchives.write(
        ctx.resolve("rootfs.tar.zst"),
        Kind.ZSTD,
        TestArchives.dir("etc/", 0755),
        file("etc/os-release", "ID=kiln\n", 0644));

    Solved first = solve();

    CacheResult out = first.result().outputs().get(0);
    Path rootfs = first.worker().snapshot(out);
    assertThat(rootfs.resolve("opt/etc/os-release")).hasContent("ID=kiln\n");
    assertThat(rootfs.resolve("opt/rootfs.tar.zst")).doesNotExist();
    List<ExportLayer> layers = first.worker().exportLayers(out);
    assertThat(layers).hasSize(1);
    Path applied = Files.createDirectories(tmp.resolve("applied"));
    Descriptor layer = layers.get(0).blob();
    try (InputStream in = store.open(layer.digest())) {
      new LayerApplier(LayerApplier.Options.detect())
          .apply(layer.digest().toString(), in, applied, null);
    }
    assertThat(applied.resolve("opt/etc/os-release")).hasContent("ID=kiln\n");

    assertThat(solve().result().executed()).isZero();

    TestArchives.write(
        ctx.resolve("rootfs.tar.zst"), Kind.ZSTD, file("etc/os-release", "ID=changed\n", 0644));
    Solved third = solve();
    assertThat(third.result().executed()).isPositive();
    assertThat(
            third.worker().snapshot(third.result().outputs().get(0)).resolve("opt/etc/os-release"))
        .hasContent("ID=changed\n");
  }
}
