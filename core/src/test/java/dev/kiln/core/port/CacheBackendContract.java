package dev.kiln.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract of the cache ports, {@link CacheExporter} and {@link CacheImporter}, that every
 * backend which can both write and read a cache must keep: what one exports the other imports
 * (records, results, layer annotations, verified blobs, lazily), an unchanged export writes nothing
 * and the same manifest, a failed export leaves the previous cache, progress steps are named as
 * buildx names them, and a missing source is one line naming it.
 *
 * <p>Subclasses supply the factories and, per test, a fresh location: the attributes to export to
 * it and to import from it.
 */
public abstract class CacheBackendContract {

  private static final Instant CREATED = Instant.parse("2026-03-01T12:00:00.25Z");
  private static final Digest SELECTOR = Digests.sha256("/");

  protected final InMemoryContentStore store = new InMemoryContentStore();

  /** Creates exporters of the backend under test. */
  protected abstract CacheExporterFactory exporters();

  /** Creates importers of the backend under test. */
  protected abstract CacheImporterFactory importers();

  /** Attributes (without {@code type}) exporting to a location of its own, named {@code name}. */
  protected abstract Map<String, String> exportTo(String name);

  /** Attributes (without {@code type}) importing what {@link #exportTo} with {@code name} wrote. */
  protected abstract Map<String, String> importFrom(String name);

  /** A chain as a build has it: image root, a content root, and {@code steps} steps on top. */
  private record Built(CacheChains chains, List<ExportLayer> layers, List<Digest> steps) {}

  private Built built(String prefix, int steps) throws IOException {
    CacheChains c = new CacheChains();
    CacheChains.Item prev = c.add(Digests.sha256(prefix + " image"));
    CacheChains.Item content = c.add(Digests.sha256(prefix + " content"));
    List<ExportLayer> layers = new ArrayList<>();
    List<Digest> stepKeys = new ArrayList<>();
    layers.add(layer(prefix + " base", 2000));
    for (int i = 0; i < steps; i++) {
      layers.add(layer(prefix + " step " + i, 700 + 50 * i));
      Digest key = Digests.sha256(prefix + " step " + i);
      CacheChains.Item step = c.add(key, i == 0 ? 2 : 1).linkFrom(prev, 0, SELECTOR);
      if (i == 0) {
        step.linkFrom(content, 1, null);
      }
      step.addResult(List.copyOf(layers), CREATED.plusSeconds(i));
      stepKeys.add(key);
      prev = step;
    }
    return new Built(c, layers, stepKeys);
  }

  private ExportLayer layer(String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(name.hashCode()).nextBytes(bytes);
    Digest d = store.write(new ByteArrayInputStream(bytes), null).digest();
    return ExportLayer.of(
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, d, size), Digests.sha256("diff " + name));
  }

  private CacheExportSummary export(String name, Map<String, String> extra, CacheChains chains)
      throws IOException {
    return export(name, extra, chains, ProgressListener.NONE);
  }

  private CacheExportSummary export(
      String name, Map<String, String> extra, CacheChains chains, ProgressListener progress)
      throws IOException {
    Map<String, String> attrs = new HashMap<>(exportTo(name));
    attrs.putAll(extra);
    return exporters().create(attrs).export(chains, store, progress);
  }

  private ImportedCache importCache(String name) throws CacheImportException {
    return importers().create(importFrom(name)).resolve(ProgressListener.NONE);
  }

  @Test
  void exportThenImport_givesBackEveryResultWithItsTimeAnnotationsAndVerifiedBlobs()
      throws Exception {
    Built b = built("roundtrip", 3);
    CacheExportSummary s = export("roundtrip", Map.of("mode", "max"), b.chains());
    assertThat(s.skipped()).isFalse();
    assertThat(s.layers()).isEqualTo(4);
    assertThat(s.uploaded() + s.present() + s.mounted()).isEqualTo(s.layers());

    ImportedCache cache = importCache("roundtrip");
    for (int i = 0; i < b.steps().size(); i++) {
      List<ImportedCache.Node> nodes = cache.nodes(b.steps().get(i));
      assertThat(nodes).as("step %d", i).hasSize(1);
      ImportedCache.Result r = nodes.get(0).results().get(0);
      assertThat(r.createdAt()).isEqualTo(CREATED.plusSeconds(i));
      assertThat(r.chain()).extracting(Descriptor::digest).containsExactlyElementsOf(digests(b, i));
      for (int j = 0; j < r.chain().size(); j++) {
        assertThat(r.chain().get(j).annotation(CacheAnnotations.UNCOMPRESSED))
            .isEqualTo(b.layers().get(j).diffId().toString());
      }
    }
    assertThat(cache.nodes(Digests.sha256("roundtrip step 1")).get(0).inputs().get(0))
        .extracting(l -> l.from().digest())
        .containsExactly(b.steps().get(0));

    InMemoryContentStore fresh = new InMemoryContentStore();
    for (ExportLayer l : b.layers()) {
      assertThat(fresh.contains(l.blob().digest())).isFalse();
      cache.fetch(l.blob().digest(), fresh);
      try (InputStream got = fresh.open(l.blob().digest());
          InputStream want = store.open(l.blob().digest())) {
        assertThat(got.readAllBytes()).isEqualTo(want.readAllBytes());
      }
    }
  }

  private static List<Digest> digests(Built b, int step) {
    return b.layers().subList(0, step + 2).stream().map(l -> l.blob().digest()).toList();
  }

  @Test
  void contentRoot_linksIntoTheFirstStep_soAContentKeyFindsIt() throws Exception {
    Built b = built("content", 1);
    export("content", Map.of(), b.chains());
    ImportedCache.Node root =
        importCache("content").nodes(Digests.sha256("content content")).get(0);
    assertThat(root.isRoot()).isTrue();
    assertThat(root.children())
        .anySatisfy(
            c -> {
              assertThat(c.input()).isEqualTo(1);
              assertThat(c.child().digest()).isEqualTo(b.steps().get(0));
            });
  }

  @Test
  void exportTwice_unchanged_uploadsNothingAndWritesTheSameManifest() throws Exception {
    CacheExportSummary first = export("twice", Map.of(), built("twice", 2).chains());
    CacheExportSummary second = export("twice", Map.of(), built("twice", 2).chains());
    assertThat(second.manifest()).isEqualTo(first.manifest());
    assertThat(second.uploaded()).isZero();
    assertThat(second.bytesUploaded()).isZero();
    assertThat(second.present()).isEqualTo(second.layers());
  }

  @Test
  void failedExport_leavesThePreviousCacheReadable() throws Exception {
    Built ok = built("kept", 1);
    export("failing", Map.of(), ok.chains());
    CacheChains broken = built("lost", 1).chains();
    Digest neverStored = Digests.sha256("never stored");
    broken
        .add(Digests.sha256("lost step"), 1)
        .linkFrom(broken.add(Digests.sha256("lost image")), 0, null)
        .addResult(
            List.of(
                ExportLayer.of(
                    Descriptor.of(MediaTypes.OCI_LAYER_GZIP, neverStored, 10),
                    Digests.sha256("diff never stored"))),
            CREATED);
    RecordingProgress progress = new RecordingProgress();
    assertThatThrownBy(() -> export("failing", Map.of(), broken, progress))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(neverStored.toString());
    assertThat(progress.named("failed ")).isNotEmpty();

    ImportedCache cache = importCache("failing");
    assertThat(cache.nodes(ok.steps().get(0))).hasSize(1);
    assertThat(cache.nodes(Digests.sha256("lost step"))).isEmpty();
  }

  @Test
  void export_reportsBuildxsStepsAndASummary() throws Exception {
    RecordingProgress progress = new RecordingProgress();
    CacheExporter e = exporters().create(exportTo("progress"));
    CacheExportSummary s = e.export(built("progress", 2).chains(), store, progress);
    assertThat(progress.named("started "))
        .contains(
            "started preparing build cache for export",
            "started writing manifest " + s.manifest().digest())
        .anyMatch(n -> n.startsWith("started exporting cache to "))
        .anyMatch(n -> n.startsWith("started writing layer sha256:"))
        .anyMatch(n -> n.startsWith("started writing config sha256:"));
    assertThat(progress.named("completed ")).hasSameSizeAs(progress.named("started "));
    assertThat(progress.events).contains("log " + s.describe());
    assertThat(s.describe())
        .matches("3 layers: \\d+ uploaded \\(\\d+ bytes\\), \\d+ already present, \\d+ mounted");
  }

  @Test
  void onlyRoots_isSkippedAndLeavesNothingToImport() throws Exception {
    CacheChains roots = new CacheChains();
    roots.add(Digests.sha256("just a root"));
    CacheExportSummary s = export("roots", Map.of(), roots);
    assertThat(s.skipped()).isTrue();
    assertThatThrownBy(() -> importCache("roots")).isInstanceOf(CacheImportException.class);
  }

  @Test
  void missingSource_isOneLineNamingIt() {
    CacheImporter importer = importers().create(importFrom("never-written"));
    assertThatThrownBy(() -> importer.resolve(ProgressListener.NONE))
        .isInstanceOf(CacheImportException.class)
        .hasMessageStartingWith("cache ")
        .hasMessageContaining(importer.name().substring(importer.name().indexOf(' ') + 1))
        .hasMessageNotContaining("\n");
  }

  @Test
  void attributes_giveTheExportOptions() {
    CacheExportOptions defaults = exporters().create(exportTo("options")).options();
    assertThat(defaults.mode()).isEqualTo(CacheExportMode.MIN);
    assertThat(defaults.compression()).isEqualTo(MediaTypes.Compression.GZIP);
    assertThat(defaults.ignoreError()).isFalse();
    Map<String, String> attrs = new HashMap<>(exportTo("options"));
    attrs.putAll(
        Map.of(
            "mode", "max",
            "compression", "zstd",
            "compression-level", "9",
            "force-compression", "true",
            "ignore-error", "true"));
    CacheExportOptions set = exporters().create(attrs).options();
    assertThat(set)
        .isEqualTo(
            new CacheExportOptions(
                CacheExportMode.MAX, MediaTypes.Compression.ZSTD, 9, true, true));
  }

  @Test
  void unknownAttribute_isAnErrorNamingIt() {
    Map<String, String> attrs = new HashMap<>(exportTo("bad"));
    attrs.put("colour", "blue");
    assertThatThrownBy(() -> exporters().create(attrs))
        .isInstanceOf(CacheAttributeException.class)
        .hasMessageContaining("colour");
    Map<String, String> in = new HashMap<>(importFrom("bad"));
    in.put("colour", "blue");
    assertThatThrownBy(() -> importers().create(in))
        .isInstanceOf(CacheAttributeException.class)
        .hasMessageContaining("colour");
  }
}
