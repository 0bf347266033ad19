package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.MediaTypes.Compression;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy layer blobs: nothing is written while solving; an export makes each layer's blob exactly
 * once per variant (compression, level, epoch) and every later export reuses it; the worker's
 * compressor turns a blob it made into another variant from the snapshot. Writes are counted on the
 * content store.
 */
class LayerVariantsTest {

  @TempDir Path tmp;
  private CountingStore store;
  private LocalWorker worker;
  private CacheResult out;

  @BeforeEach
  void solveCold() throws Exception {
    Path ctx = Files.createDirectories(tmp.resolve("ctx/src"));
    Files.writeString(ctx.resolve("main.txt"), "main\n");
    Files.writeString(ctx.resolve("other.txt"), "other\n");
    Definition def =
        State.scratch()
            .file(FileStep.mkdir("/app", 0755), FileStep.mkfile("/app/version", 0644, "1\n"))
            .file(FileStep.copy(State.local("context"), "/src", "/app/src"))
            .file(FileStep.mkfile("/app/version", 0644, "2\n"))
            .definition();
    store = new CountingStore();
    worker =
        LocalWorker.builder(tmp.resolve("worker"), store)
            .local("context", tmp.resolve("ctx"))
            .build();
    try (LocalCacheManager cache = LocalCacheManager.open(tmp.resolve("cache"));
        Scheduler scheduler = new Scheduler(worker, cache)) {
      out = scheduler.solve(def, SolveOptions.DEFAULT).outputs().get(0);
    }
  }

  @AfterEach
  void close() throws Exception {
    worker.close();
  }

  @Test
  void solve_noExport_writesNoBlob() {
    assertThat(store.writes).isEmpty();
  }

  @Test
  void exportLayers_afterColdBuild_writesEachLayerOnceAndReusesItNextTime() throws Exception {
    List<ExportLayer> first = worker.exportLayers(out, LayerRequest.DEFAULT);

    assertThat(first).hasSize(3);
    assertThat(store.writes.keySet()).containsExactlyInAnyOrderElementsOf(digests(first));
    assertThat(store.writes.values()).allMatch(n -> n == 1);
    assertThat(first)
        .allMatch(l -> l.blob().mediaType().equals(MediaTypes.OCI_LAYER_GZIP))
        .allMatch(l -> l.blob().annotations() == null || l.blob().annotations().isEmpty());

    List<ExportLayer> again = worker.exportLayers(out, LayerRequest.DEFAULT);

    assertThat(again).isEqualTo(first);
    assertThat(store.writes.values()).allMatch(n -> n == 1);
  }

  @Test
  void exportLayers_twoCompressions_twoVariantsAndAThirdExportReusesThem() throws Exception {
    LayerRequest zstd = new LayerRequest(Compression.ZSTD, null, false, null);
    List<ExportLayer> gzip = worker.exportLayers(out, LayerRequest.DEFAULT);
    List<ExportLayer> z = worker.exportLayers(out, zstd);
    int written = store.writes.size();

    assertThat(written).isEqualTo(6);
    assertThat(diffIds(z)).isEqualTo(diffIds(gzip));
    assertThat(z).allMatch(l -> l.blob().mediaType().equals(MediaTypes.OCI_LAYER_ZSTD));

    assertThat(worker.exportLayers(out, zstd)).isEqualTo(z);
    assertThat(worker.exportLayers(out, LayerRequest.DEFAULT)).isEqualTo(gzip);
    // The exporters' compressor, asked for the variant another export made, reuses it too.
    ExportLayer converted =
        worker.layerCompressor().compress(gzip.get(1), Compression.ZSTD, null, store);
    assertThat(converted).isEqualTo(z.get(1));
    assertThat(worker.layerCompressor().compress(z.get(1), Compression.ZSTD, 3, store))
        .isSameAs(z.get(1));
    assertThat(store.writes).hasSize(written);
    assertThat(store.writes.values()).allMatch(n -> n == 1);
  }

  @Test
  void layerCompressor_levelNotMadeYet_makesThatVariantFromTheSnapshot() throws Exception {
    List<ExportLayer> gzip = worker.exportLayers(out, LayerRequest.DEFAULT);

    ExportLayer best = worker.layerCompressor().compress(gzip.get(0), Compression.GZIP, 9, store);

    assertThat(best.diffId()).isEqualTo(gzip.get(0).diffId());
    assertThat(best.blob().digest()).isNotEqualTo(gzip.get(0).blob().digest());
    assertThat(worker.exportLayers(out, new LayerRequest(Compression.GZIP, 9, false, null)).get(0))
        .isEqualTo(best);
  }

  @Test
  void exportLayers_twoEpochs_eachClampsItsOwnMtimesAndTheSnapshotKeepsRealOnes() throws Exception {
    Instant early = Instant.parse("2001-01-01T00:00:00Z");
    Instant later = Instant.parse("2011-01-01T00:00:00Z");

    List<ExportLayer> a = worker.exportLayers(out, LayerRequest.DEFAULT.withSourceDateEpoch(early));
    List<ExportLayer> b = worker.exportLayers(out, LayerRequest.DEFAULT.withSourceDateEpoch(later));

    assertThat(diffIds(a)).doesNotContainAnyElementsOf(diffIds(b));
    for (ExportLayer l : a) {
      assertThat(mtimes(l)).isNotEmpty().allMatch(t -> t.equals(early));
    }
    for (ExportLayer l : b) {
      assertThat(mtimes(l)).isNotEmpty().allMatch(t -> t.equals(later));
    }
    Path version = worker.snapshot(out).resolve("app/version");
    assertThat(Files.getLastModifiedTime(version).toInstant()).isAfter(later);
  }

  @Test
  void importedLayersClampedAfterTheEpoch_areMadeAgainClamped_earlierOnesAreKept()
      throws Exception {
    Instant exported = Instant.parse("2011-01-01T00:00:00Z");
    Instant earlier = Instant.parse("2001-01-01T00:00:00Z");
    Instant later = Instant.parse("2021-01-01T00:00:00Z");
    List<ExportLayer> cached =
        worker.exportLayers(out, LayerRequest.DEFAULT.withSourceDateEpoch(exported));
    assertThat(cached)
        .allSatisfy(l -> assertThat(worker.clampedTo(l.blob().digest())).isEqualTo(exported));
    // the result as an imported cache has it: diffID, creation time (the clock's), clamp epoch
    CacheResult imported = imported(cached, Long.toString(exported.getEpochSecond()));
    Map<Digest, Integer> before = Map.copyOf(store.writes);

    List<ExportLayer> kept =
        worker.exportLayers(imported, LayerRequest.DEFAULT.withSourceDateEpoch(later));
    assertThat(digests(kept)).isEqualTo(digests(cached));
    assertThat(store.writes).isEqualTo(before);

    List<ExportLayer> clamped =
        worker.exportLayers(imported, LayerRequest.DEFAULT.withSourceDateEpoch(earlier));
    assertThat(diffIds(clamped)).hasSize(3).doesNotContainAnyElementsOf(diffIds(cached));
    for (ExportLayer l : clamped) {
      assertThat(mtimes(l)).isNotEmpty().allMatch(t -> t.equals(earlier));
      assertThat(worker.clampedTo(l.blob().digest())).isEqualTo(earlier);
    }
    assertThat(worker.exportLayers(imported, LayerRequest.DEFAULT.withSourceDateEpoch(earlier)))
        .isEqualTo(clamped);
    assertThat(store.writes.values()).allMatch(n -> n == 1);

    // without the clamp epoch (another machine), the creation time (after every epoch here)
    // bounds the mtimes: made again under the later epoch, which rewrites the same tar
    LocalWorker other = LocalWorker.builder(tmp.resolve("other"), store).build();
    List<ExportLayer> unknown;
    try {
      unknown =
          other.exportLayers(
              imported(cached, null), LayerRequest.DEFAULT.withSourceDateEpoch(later));
      for (ExportLayer l : unknown) {
        assertThat(other.clampedTo(l.blob().digest())).isEqualTo(later);
      }
    } finally {
      other.close();
    }
    assertThat(diffIds(unknown)).isEqualTo(diffIds(cached));
  }

  /** A descriptor-only result of {@code layers}, as a remote cache import gives it. */
  private static CacheResult imported(List<ExportLayer> layers, String rewritten) {
    List<Descriptor> descriptors = new ArrayList<>();
    for (ExportLayer l : layers) {
      Descriptor d =
          l.blob()
              .withAnnotation(CacheAnnotations.UNCOMPRESSED, l.diffId().toString())
              .withAnnotation(CacheAnnotations.CREATED_AT, Instant.now().toString());
      descriptors.add(
          rewritten == null
              ? d
              : d.withAnnotation(CacheAnnotations.REWRITTEN_TIMESTAMP, rewritten));
    }
    return new CacheResult("", descriptors);
  }

  private List<Instant> mtimes(ExportLayer l) throws IOException {
    List<Instant> out = new ArrayList<>();
    try (InputStream in = store.open(l.blob().digest());
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        out.add(e.getLastModifiedTime().toInstant());
      }
    }
    return out;
  }

  private static List<Digest> digests(List<ExportLayer> layers) {
    return layers.stream().map(l -> l.blob().digest()).toList();
  }

  private static List<Digest> diffIds(List<ExportLayer> layers) {
    return layers.stream().map(ExportLayer::diffId).toList();
  }

  /** An in-memory store counting the writes of each digest. */
  private static final class CountingStore implements ContentStore {
    final InMemoryContentStore delegate = new InMemoryContentStore();
    final Map<Digest, Integer> writes = new ConcurrentHashMap<>();

    @Override
    public boolean contains(Digest digest) throws IOException {
      return delegate.contains(digest);
    }

    @Override
    public long size(Digest digest) throws IOException {
      return delegate.size(digest);
    }

    @Override
    public InputStream open(Digest digest) throws IOException {
      return delegate.open(digest);
    }

    @Override
    public Digests.Sized write(InputStream content, Digest expected) throws IOException {
      Digests.Sized s = delegate.write(content, expected);
      writes.merge(s.digest(), 1, Integer::sum);
      return s;
    }

    @Override
    public boolean delete(Digest digest) throws IOException {
      return delegate.delete(digest);
    }
  }
}
