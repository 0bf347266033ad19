package dev.kiln.solver.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.store.LocalContentStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which results are made ahead, for which exports, and what stopping does. */
class EagerExportLayersTest {

  @TempDir Path dir;

  private static final State BASE = State.image("127.0.0.1:5000/base:1");
  private static final Vertex IMAGE = BASE.output().vertex();
  private static final Vertex RUN = BASE.run("true").output().vertex();
  private static final Vertex FILE = BASE.file(FileStep.mkfile("/f", 0644, "x")).output().vertex();
  private static final Vertex CONTEXT = State.local("context").output().vertex();

  private static CacheExportOptions options(CacheExportMode mode, MediaTypes.Compression c) {
    return new CacheExportOptions(mode, c, null, false, false);
  }

  /** Records what it is asked to make; optionally blocks until released. */
  private static final class Layers implements ResultLayers {
    final List<String> prepared = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch started = new CountDownLatch(1);
    final List<String> asked = Collections.synchronizedList(new ArrayList<>());
    volatile CountDownLatch release;

    /** Waits until {@code n} results were asked for (made or failed). */
    void awaitAsked(int n) throws InterruptedException {
      for (int i = 0; i < 6000 && asked.size() < n; i++) {
        Thread.sleep(10);
      }
    }

    @Override
    public void prepare(List<CacheResult> results, CacheExportOptions options) throws IOException {
      started.countDown();
      if (release != null) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (CacheResult r : results) {
        asked.add(r.snapshotId());
        if (r.snapshotId().equals("fails")) {
          throw new IOException("cannot make it");
        }
        prepared.add(r.snapshotId() + "/" + options.compression());
      }
    }

    @Override
    public List<ExportLayer> layers(CacheResult result, CacheExportOptions options) {
      Descriptor blob =
          Descriptor.of(
              MediaTypes.OCI_LAYER_GZIP, Digests.sha256(result.snapshotId() + options), 1);
      return List.of(ExportLayer.of(blob, Digests.sha256(result.snapshotId())));
    }
  }

  /** Records offers and withdrawals. */
  private static final class Exporter implements CacheExporter {
    final CacheExportOptions options;
    final List<String> offered = Collections.synchronizedList(new ArrayList<>());
    volatile boolean withdrawn;

    Exporter(CacheExportOptions options) {
      this.options = options;
    }

    @Override
    public String name() {
      return "test " + options.mode();
    }

    @Override
    public CacheExportOptions options() {
      return options;
    }

    @Override
    public CacheExportSummary export(
        ChainsBuilder chains, ContentStore store, ProgressListener progress) {
      throw new AssertionError("not exported here");
    }

    @Override
    public void offer(ExportLayer layer, ContentStore store) {
      offered.add(layer.blob().digest().toString());
    }

    @Override
    public void withdrawOffers() {
      withdrawn = true;
    }
  }

  private EagerExportLayers eager(Layers layers, Exporter... exporters) throws IOException {
    return new EagerExportLayers(layers, List.of(exporters), LocalContentStore.at(dir));
  }

  @Test
  void made_stepsResults_madeInEachMaxExportsCompressionAndOffered_sourcesAndMinExportsNot()
      throws Exception {
    Layers layers = new Layers();
    Exporter gzipMax = new Exporter(options(CacheExportMode.MAX, MediaTypes.Compression.GZIP));
    Exporter zstdMax = new Exporter(options(CacheExportMode.MAX, MediaTypes.Compression.ZSTD));
    Exporter min = new Exporter(options(CacheExportMode.MIN, MediaTypes.Compression.GZIP));
    EagerExportLayers eager = eager(layers, gzipMax, zstdMax, min);

    assertThat(eager.active()).isTrue();
    eager.made(IMAGE, List.of(CacheResult.ofSnapshot("image")));
    eager.made(CONTEXT, List.of(CacheResult.ofSnapshot("context")));
    eager.made(RUN, List.of(CacheResult.ofSnapshot("run")));
    eager.made(FILE, List.of(CacheResult.ofSnapshot("file")));
    layers.awaitAsked(4);
    eager.handOver();

    assertThat(layers.prepared).containsExactly("run/GZIP", "run/ZSTD", "file/GZIP", "file/ZSTD");
    assertThat(gzipMax.offered).hasSize(2);
    assertThat(zstdMax.offered).hasSize(2).doesNotContainAnyElementsOf(gzipMax.offered);
    assertThat(min.offered).isEmpty();
    eager.close();
  }

  @Test
  void made_onlyMinExports_doesNothing() throws Exception {
    Layers layers = new Layers();
    Exporter min = new Exporter(options(CacheExportMode.MIN, MediaTypes.Compression.GZIP));
    try (EagerExportLayers eager = eager(layers, min)) {
      assertThat(eager.active()).isFalse();
      eager.made(RUN, List.of(CacheResult.ofSnapshot("run")));
    }
    assertThat(layers.prepared).isEmpty();
    assertThat(min.offered).isEmpty();
  }

  @Test
  void made_aResultThatCannotBeMade_isLeftToTheExport_andTheNextIsStillMade() throws Exception {
    Layers layers = new Layers();
    Exporter max = new Exporter(options(CacheExportMode.MAX, MediaTypes.Compression.GZIP));
    EagerExportLayers eager = eager(layers, max);

    eager.made(RUN, List.of(CacheResult.ofSnapshot("fails")));
    eager.made(FILE, List.of(CacheResult.ofSnapshot("file")));
    layers.awaitAsked(2);
    eager.handOver();

    assertThat(layers.prepared).containsExactly("file/GZIP");
    assertThat(max.offered).hasSize(1);
  }

  @Test
  void handOver_dropsTheQueuedWithoutWaiting_closeWaitsForTheOneBeingMade_whichIsNotOffered()
      throws Exception {
    Layers layers = new Layers();
    layers.release = new CountDownLatch(1);
    Exporter max = new Exporter(options(CacheExportMode.MAX, MediaTypes.Compression.GZIP));
    EagerExportLayers eager = eager(layers, max);

    eager.made(RUN, List.of(CacheResult.ofSnapshot("run")));
    eager.made(FILE, List.of(CacheResult.ofSnapshot("file")));
    assertThat(layers.started.await(60, TimeUnit.SECONDS)).isTrue();
    eager.handOver();
    assertThat(layers.prepared).as("handOver did not wait").isEmpty();
    layers.release.countDown();
    eager.close();

    assertThat(layers.prepared)
        .as("the running one finished, the queued one dropped")
        .containsExactly("run/GZIP");
    assertThat(max.offered).as("the export uploads what it needs itself").isEmpty();
    eager.made(FILE, List.of(CacheResult.ofSnapshot("late")));
    assertThat(layers.prepared).containsExactly("run/GZIP");
  }

  @Test
  void close_withoutHandOver_withdrawsTheUploadsStarted() throws Exception {
    Layers layers = new Layers();
    Exporter max = new Exporter(options(CacheExportMode.MAX, MediaTypes.Compression.GZIP));
    EagerExportLayers eager = eager(layers, max);
    eager.made(RUN, List.of(CacheResult.ofSnapshot("run")));

    eager.close();

    assertThat(max.withdrawn).isTrue();
  }
}
