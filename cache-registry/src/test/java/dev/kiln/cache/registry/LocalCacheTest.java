package dev.kiln.cache.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.cache.remote.SharedVectors;
import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheImportException;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.RecordingProgress;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.Manifests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code type=local} export and import on a real directory, and BuildKit's local caches. */
class LocalCacheTest {

  @TempDir Path tmp;
  private final InMemoryContentStore store = new InMemoryContentStore();
  private final RegistryClientProvider noRegistry =
      (h, i) -> {
        throw new IOException("no registry in this test");
      };

  private CacheExporter exporter(Map<String, String> attrs) {
    return new LocalCacheExporterFactory(noRegistry, tmp.resolve("staging")).create(attrs);
  }

  private CacheImporter importer(Map<String, String> attrs) {
    return new LocalCacheImporterFactory().create(attrs);
  }

  @Test
  void export_chainsBuiltInsideThePreparingStep_whichTheUserSeesRunning() throws Exception {
    Path dir = tmp.resolve("cache");
    RecordingProgress progress = new RecordingProgress();
    List<String> seenWhileBuilding = new ArrayList<>();

    exporter(Map.of("dest", dir.toString(), "mode", "max"))
        .export(
            () -> {
              seenWhileBuilding.addAll(progress.events);
              return TestCaches.chain(store, "built", 1);
            },
            store,
            progress);

    assertThat(seenWhileBuilding)
        .contains(
            "started exporting cache to client directory",
            "started preparing build cache for export")
        .doesNotContain("completed preparing build cache for export")
        .noneMatch(e -> e.contains("writing layer"));
  }

  @Test
  void export_chainsThatCannotBeBuilt_failTheStepsNamingTheReason() {
    RecordingProgress progress = new RecordingProgress();

    assertThatThrownBy(
            () ->
                exporter(Map.of("dest", tmp.resolve("cache").toString()))
                    .export(
                        () -> {
                          throw new IOException("layer sha256:abc cannot be made");
                        },
                        store,
                        progress))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot be made");
    assertThat(progress.events)
        .anyMatch(e -> e.startsWith("failed ") && e.contains("cannot be made"));
    assertThat(tmp.resolve("cache").resolve("index.json")).doesNotExist();
  }

  @Test
  void export_thenImport_roundTripsGraphAndVerifiedBlobs() throws Exception {
    Path dir = tmp.resolve("cache");
    RecordingProgress progress = new RecordingProgress();
    CacheExportSummary s =
        exporter(Map.of("dest", dir.toString(), "mode", "max"))
            .export(TestCaches.chain(store, "a", 3), store, progress);
    assertThat(s.layers()).isEqualTo(4);
    assertThat(s.uploaded()).isEqualTo(4);
    assertThat(s.bytesUploaded()).isEqualTo(3000 + 1000 + 1100 + 1200);
    assertThat(s.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(progress.named("started "))
        .contains(
            "started exporting cache to client directory",
            "started preparing build cache for export",
            "started writing config " + Digests.sha256(configBytes(dir)),
            "started writing manifest " + s.manifest().digest())
        .anyMatch(e -> e.startsWith("started writing layer sha256:"));
    assertThat(progress.named("completed ")).hasSize(progress.named("started ").size());
    assertThat(progress.events).contains("log " + s.describe());

    ImportedCache cache = importer(Map.of("src", dir.toString())).resolve(ProgressListener.NONE);
    assertThat(cache.nodes()).hasSize(5);
    ImportedCache.Node last = cache.nodes(Digests.sha256("a step 2")).get(0);
    assertThat(last.results().get(0).chain()).hasSize(4);
    InMemoryContentStore fresh = new InMemoryContentStore();
    for (Descriptor d : last.results().get(0).chain()) {
      cache.fetch(d.digest(), fresh);
      try (InputStream a = fresh.open(d.digest());
          InputStream b = store.open(d.digest())) {
        assertThat(a.readAllBytes()).isEqualTo(b.readAllBytes());
      }
    }
  }

  @Test
  void exportTwice_unchanged_writesNothingAndGivesTheSameManifest() throws Exception {
    Path dir = tmp.resolve("cache");
    CacheExporter e = exporter(Map.of("dest", dir.toString()));
    CacheExportSummary first =
        e.export(TestCaches.chain(store, "b", 2), store, ProgressListener.NONE);
    byte[] index = Files.readAllBytes(dir.resolve("index.json"));
    CacheExportSummary second =
        e.export(TestCaches.chain(store, "b", 2), store, ProgressListener.NONE);
    assertThat(second.manifest()).isEqualTo(first.manifest());
    assertThat(second.uploaded()).isZero();
    assertThat(second.present()).isEqualTo(3);
    assertThat(second.bytesUploaded()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("index.json"))).isEqualTo(index);
  }

  @Test
  void failedExport_leavesThePreviousCacheIntact() throws Exception {
    Path dir = tmp.resolve("cache");
    CacheExporter e = exporter(Map.of("dest", dir.toString()));
    CacheExportSummary first =
        e.export(TestCaches.chain(store, "c", 1), store, ProgressListener.NONE);
    byte[] index = Files.readAllBytes(dir.resolve("index.json"));

    CacheChains broken = TestCaches.chain(store, "d", 2);
    ExportLayer lost =
        ExportLayer.of(
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256("never stored"), 10),
            Digests.sha256("diff never stored"));
    CacheChains.Item item = broken.add(Digests.sha256("lost"), 1);
    item.linkFrom(broken.add(Digests.sha256("d image")), 0, null)
        .addResult(List.of(lost), TestCaches.CREATED);
    RecordingProgress progress = new RecordingProgress();
    assertThatThrownBy(() -> e.export(broken, store, progress))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(Digests.sha256("never stored").toString())
        .hasMessageContaining("no origin");
    assertThat(progress.named("failed ")).isNotEmpty();
    assertThat(Files.readAllBytes(dir.resolve("index.json"))).isEqualTo(index);
    ImportedCache cache = importer(Map.of("src", dir.toString())).resolve(ProgressListener.NONE);
    assertThat(OciLayout.open(dir).resolve("latest").orElseThrow().digest())
        .isEqualTo(first.manifest().digest());
    assertThat(cache.nodes(Digests.sha256("c step 0"))).hasSize(1);
  }

  @Test
  void dockerMediaTypes_writeAManifestListWithTheConfigLast() throws Exception {
    Path dir = tmp.resolve("cache");
    CacheExportSummary s =
        exporter(Map.of("dest", dir.toString(), "oci-mediatypes", "false", "tag", "docker"))
            .export(TestCaches.chain(store, "e", 1), store, ProgressListener.NONE);
    OciLayout layout = OciLayout.open(dir);
    Descriptor top = layout.resolve("docker").orElseThrow();
    ImageIndex list = (ImageIndex) Manifests.parse(layout.readBlob(top), top.mediaType());
    assertThat(list.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(list.manifests().get(list.manifests().size() - 1).mediaType())
        .isEqualTo(MediaTypes.BUILDKIT_CACHE_CONFIG);
    assertThat(list.manifests().subList(0, 2))
        .allSatisfy(d -> assertThat(d.mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP));
    assertThat(s.manifest().digest()).isEqualTo(top.digest());
    ImportedCache cache =
        importer(Map.of("src", dir.toString(), "tag", "docker")).resolve(ProgressListener.NONE);
    assertThat(cache.nodes(Digests.sha256("e step 0")).get(0).results()).hasSize(1);
  }

  @Test
  void emptyResult_isSkippedWithoutTouchingTheDirectory() throws Exception {
    Path dir = tmp.resolve("cache");
    CacheChains onlyRoots = new CacheChains();
    onlyRoots.add(Digests.sha256("root"));
    RecordingProgress progress = new RecordingProgress();
    CacheExportSummary s =
        exporter(Map.of("dest", dir.toString())).export(onlyRoots, store, progress);
    assertThat(s.skipped()).isTrue();
    assertThat(progress.events).contains("log skipping cache export for empty result");
    assertThat(dir).as("nothing to write: no layout made").doesNotExist();
  }

  @Test
  void import_missingOrCorrupt_failsWithOneLineNamingTheSource() throws Exception {
    Path none = tmp.resolve("none");
    RecordingProgress progress = new RecordingProgress();
    assertThatThrownBy(() -> importer(Map.of("src", none.toString())).resolve(progress))
        .isInstanceOf(CacheImportException.class)
        .hasMessageStartingWith("cache local " + none + ":latest: ")
        .hasMessageContaining("has no index.json");
    assertThat(progress.named("log WARNING: cache local " + none + ":latest: ")).hasSize(1);
    assertThat(progress.named("failed ")).isEmpty();

    Path dir = tmp.resolve("cache");
    exporter(Map.of("dest", dir.toString()))
        .export(TestCaches.chain(store, "f", 1), store, ProgressListener.NONE);
    assertThatThrownBy(
            () -> importer(Map.of("src", dir.toString(), "tag", "other")).resolve(progress))
        .hasMessageContaining("not found: index.json has no tag other");
    // corrupt the config blob: the import fails, the build would go on without it
    Descriptor top = OciLayout.open(dir).resolve("latest").orElseThrow();
    Digest config =
        ((dev.kiln.oci.ImageManifest) OciLayout.open(dir).readManifest(top)).config().digest();
    Path blob = OciLayout.open(dir).blobPath(config);
    Files.writeString(blob, "{\"records\":[{\"digest\":\"garbage\"}]}");
    assertThatThrownBy(() -> importer(Map.of("src", dir.toString())).resolve(progress))
        .isInstanceOf(CacheImportException.class)
        .hasMessageContaining(config.shortForm());
  }

  @Test
  void import_buildKitsLocalCaches() throws Exception {
    for (Path layout : SharedVectors.layoutCaches()) {
      ImportedCache cache =
          importer(Map.of("src", layout.toString())).resolve(ProgressListener.NONE);
      assertThat(cache.nodes()).as(layout.toString()).isNotEmpty();
      ImportedCache.Result any =
          cache.nodes().stream()
              .filter(n -> !n.results().isEmpty())
              .findFirst()
              .orElseThrow()
              .results()
              .get(0);
      InMemoryContentStore fresh = new InMemoryContentStore();
      for (Descriptor d : any.chain()) {
        cache.fetch(d.digest(), fresh);
        assertThat(fresh.contains(d.digest())).isTrue();
      }
    }
  }

  private static byte[] configBytes(Path dir) throws IOException {
    OciLayout layout = OciLayout.open(dir);
    Descriptor top = layout.resolve("latest").orElseThrow();
    Descriptor config = ((dev.kiln.oci.ImageManifest) layout.readManifest(top)).config();
    return layout.readBlob(config);
  }
}
