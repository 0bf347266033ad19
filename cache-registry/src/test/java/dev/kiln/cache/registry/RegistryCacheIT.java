package dev.kiln.cache.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.BlobTap;
import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheImportException;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.GrowingBlob;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.testsupport.AccessLogEntry;
import dev.kiln.testsupport.CacheManifestJson;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.FaultRule;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The registry cache against a real registry ({@code registry:2}), read back by kiln and by skopeo;
 * a fault-injecting proxy in front for 5xx, resets and failed writes.
 */
class RegistryCacheIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  static RegistryContainer registry;
  static FaultProxy proxy;
  static final TestClients PROVIDER = new TestClients();

  @TempDir Path tmp;
  private final InMemoryContentStore store = new InMemoryContentStore();

  @BeforeAll
  static void start() {
    Tools.require("skopeo");
    registry = RegistryContainer.open();
    registry.start();
    proxy = FaultProxy.start(registry.baseUrl());
  }

  @AfterAll
  static void stop() {
    PROVIDER.close();
    if (proxy != null) {
      proxy.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @AfterEach
  void reset() {
    proxy.clearRules();
    proxy.clearAccessLog();
  }

  private CacheExporter exporter(Map<String, String> attrs) {
    return new RegistryCacheExporterFactory(PROVIDER, tmp.resolve("stage")).create(attrs);
  }

  private CacheExportSummary export(Map<String, String> attrs, CacheChains chains)
      throws Exception {
    return exporter(attrs).export(chains, store, ProgressListener.NONE);
  }

  private ImportedCache importCache(String ref) throws CacheImportException {
    return new RegistryCacheImporterFactory(PROVIDER, tmp.resolve("stage"))
        .create(Map.of("ref", ref))
        .resolve(ProgressListener.NONE);
  }

  @ParameterizedTest(name = "oci-mediatypes={0} image-manifest={1} compression={2}")
  @CsvSource({
    "true, true, gzip, application/vnd.oci.image.manifest.v1+json",
    "true, false, zstd, application/vnd.oci.image.index.v1+json",
    "false, false, uncompressed, application/vnd.docker.distribution.manifest.list.v2+json"
  })
  void export_readBackBySkopeoAndKiln_thenSecondExportUploadsNothing(
      boolean oci, boolean imageManifest, String compression, String topType) throws Exception {
    String ref = registry.hostPort() + "/cache/forms:" + (oci ? "oci" : "docker") + imageManifest;
    Map<String, String> attrs =
        Map.of(
            "ref",
            ref,
            "mode",
            "max",
            "oci-mediatypes",
            String.valueOf(oci),
            "image-manifest",
            String.valueOf(imageManifest),
            "compression",
            compression);
    CacheExportSummary first = export(attrs, TestCaches.chain(store, "forms" + topType, 3));
    assertThat(first.uploaded()).isEqualTo(4);
    assertThat(first.manifest().mediaType()).isEqualTo(topType);

    JsonNode raw = CacheManifestJson.inspectRaw(ref);
    assertThat(raw.path("mediaType").asText()).isEqualTo(topType);
    assertThat(CacheManifestJson.config(raw).path("mediaType").asText())
        .isEqualTo(MediaTypes.BUILDKIT_CACHE_CONFIG);
    List<JsonNode> layers = CacheManifestJson.layers(raw);
    assertThat(layers).hasSize(4);
    String layerType = oci ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.DOCKER_LAYER_GZIP;
    assertThat(layers)
        .allSatisfy(
            l -> {
              assertThat(l.path("mediaType").asText()).isEqualTo(layerType);
              assertThat(l.path("annotations").has(CacheAnnotations.UNCOMPRESSED)).isTrue();
              assertThat(l.path("annotations").has(CacheAnnotations.CREATED_AT)).isTrue();
            });

    ImportedCache cache = importCache(ref);
    assertThat(cache.nodes()).hasSize(5);
    ImportedCache.Result top =
        cache.nodes(Digests.sha256("forms" + topType + " step 2")).get(0).results().get(0);
    assertThat(top.chain()).hasSize(4);
    InMemoryContentStore fresh = new InMemoryContentStore();
    cache.fetch(top.chain().get(3).digest(), fresh);
    assertThat(fresh.contains(top.chain().get(3).digest())).isTrue();
    assertThat(CacheAnnotations.origin(top.chain().get(0)))
        .isEqualTo(registry.hostPort() + "/cache/forms");

    CacheExportSummary second = export(attrs, TestCaches.chain(store, "forms" + topType, 3));
    assertThat(second.manifest()).isEqualTo(first.manifest());
    assertThat(second.uploaded()).isZero();
    assertThat(second.bytesUploaded()).isZero();
    assertThat(second.present()).isEqualTo(4);
  }

  @Test
  void export_layerFromAnotherRepository_isMountedWithoutReadingIt() throws Exception {
    RegistryClient client = PROVIDER.client(registry.hostPort(), false);
    byte[] base = "a base layer that only the registry has".getBytes();
    client.pushBlob("library/base", BlobSource.of(base));
    ExportLayer remoteOnly =
        new ExportLayer(
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(base), base.length),
            Digests.sha256("diff base"),
            registry.hostPort() + "/library/base");
    ExportLayer built = TestCaches.layer(store, "mount step", 500, MediaTypes.OCI_LAYER_GZIP);
    CacheChains c = new CacheChains();
    c.add(Digests.sha256("mount run"))
        .linkFrom(c.add(Digests.sha256("mount image")), 0, null)
        .addResult(List.of(remoteOnly, built), TestCaches.CREATED);

    CacheExportSummary s = export(Map.of("ref", registry.hostPort() + "/cache/mount:1"), c);
    assertThat(s.mounted()).isEqualTo(1);
    assertThat(s.uploaded()).isEqualTo(1);
    assertThat(s.bytesUploaded()).isEqualTo(500);
    assertThat(store.contains(Digests.sha256(base))).isFalse();
    assertThat(client.checkBlob("cache/mount", Digests.sha256(base))).isPresent();
  }

  @Test
  void localExport_layerOnlyInTheRegistry_isFetchedFromItsOrigin() throws Exception {
    RegistryClient client = PROVIDER.client(registry.hostPort(), false);
    byte[] base = "a base layer fetched on demand".getBytes();
    client.pushBlob("library/lazy", BlobSource.of(base));
    ExportLayer remoteOnly =
        new ExportLayer(
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(base), base.length),
            Digests.sha256("diff lazy"),
            registry.hostPort() + "/library/lazy");
    CacheChains c = new CacheChains();
    c.add(Digests.sha256("lazy run"))
        .linkFrom(c.add(Digests.sha256("lazy image")), 0, null)
        .addResult(List.of(remoteOnly), TestCaches.CREATED);
    CacheExportSummary s =
        new LocalCacheExporterFactory(PROVIDER, tmp.resolve("stage"))
            .create(Map.of("dest", tmp.resolve("local").toString()))
            .export(c, store, ProgressListener.NONE);
    assertThat(s.uploaded()).isEqualTo(1);
    assertThat(store.contains(Digests.sha256(base))).isTrue();
  }

  @Test
  void import_readsOnlyManifestAndConfigUntilABlobIsNeeded() throws Exception {
    String ref = proxy.hostPort() + "/cache/lazy:1";
    export(Map.of("ref", ref, "mode", "max"), TestCaches.chain(store, "lazy", 2));
    proxy.clearAccessLog();
    ImportedCache cache = importCache(ref);
    List<AccessLogEntry> reads =
        proxy.accessLog().stream().filter(e -> e.method().equals("GET")).toList();
    assertThat(reads)
        .extracting(AccessLogEntry::path)
        .containsExactly("/v2/cache/lazy/manifests/1", reads.get(1).path());
    assertThat(reads.get(1).path()).startsWith("/v2/cache/lazy/blobs/sha256:");
    proxy.clearAccessLog();
    Descriptor blob =
        cache.nodes(Digests.sha256("lazy step 1")).get(0).results().get(0).chain().get(2);
    cache.fetch(blob.digest(), new InMemoryContentStore());
    assertThat(proxy.accessLog())
        .extracting(AccessLogEntry::path)
        .containsExactly("/v2/cache/lazy/blobs/" + blob.digest());
  }

  @Test
  void import_missingRefOrUnreachableRegistry_isOneLineNamingTheRef() {
    assertThatThrownBy(() -> importCache(registry.hostPort() + "/cache/none:nope"))
        .isInstanceOf(CacheImportException.class)
        .hasMessage("cache " + registry.hostPort() + "/cache/none:nope: not found");
    assertThatThrownBy(() -> importCache("127.0.0.1:1/cache/x:1"))
        .isInstanceOf(CacheImportException.class)
        .hasMessageStartingWith("cache 127.0.0.1:1/cache/x:1: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void import_oversizedManifest_isRefused() throws Exception {
    RegistryClient client = PROVIDER.client(registry.hostPort(), false);
    byte[] config = "{}".getBytes();
    client.pushBlob("cache/huge", BlobSource.of(config));
    List<Descriptor> entries = new ArrayList<>();
    String padding = "x".repeat(1000);
    for (int i = 0; i < 1100; i++) {
      entries.add(
          Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(config), config.length)
              .withAnnotation("pad" + i, padding));
    }
    entries.add(
        Descriptor.of(MediaTypes.BUILDKIT_CACHE_CONFIG, Digests.sha256(config), config.length));
    byte[] index = OciJson.toBytes(ImageIndex.oci(entries));
    assertThat(index.length).isGreaterThan(1 << 20);
    client.pushManifest("cache/huge", "1", index, MediaTypes.OCI_INDEX);
    assertThatThrownBy(() -> importCache(registry.hostPort() + "/cache/huge:1"))
        .isInstanceOf(CacheImportException.class)
        .hasMessageContaining("cache manifest is too large");
  }

  @Test
  void faults_5xxAndResetsDuringExportAndImport_recover() throws Exception {
    String ref = proxy.hostPort() + "/cache/flaky:1";
    proxy.addRule(FaultRule.on("PUT", "/v2/cache/flaky/blobs/uploads/.*").respond(503));
    proxy.addRule(FaultRule.on("HEAD", "/v2/cache/flaky/blobs/.*").nth(2).respond(502));
    proxy.addRule(FaultRule.on("PUT", "/v2/cache/flaky/manifests/1").respond(500));
    CacheExportSummary s = export(Map.of("ref", ref), TestCaches.chain(store, "flaky", 2));
    assertThat(s.uploaded()).isEqualTo(3);
    proxy.clearRules();
    proxy.addRule(FaultRule.on("GET", "/v2/cache/flaky/manifests/1").cutResponseBodyAfter(20));
    proxy.addRule(FaultRule.on("GET", "/v2/cache/flaky/blobs/.*").respond(503));
    ImportedCache cache = importCache(ref);
    assertThat(cache.nodes(Digests.sha256("flaky step 1")).get(0).results()).hasSize(1);
    assertThat(proxy.accessLog()).anyMatch(e -> e.fault() != null);
  }

  @Test
  void offeredLayers_uploadedBeforeExport_onceAndCounted() throws Exception {
    String ref = proxy.hostPort() + "/cache/early:1";
    CacheChains c = TestCaches.chain(store, "early", 2);
    ExportLayer first = TestCaches.layer(store, "early base", 3000, MediaTypes.OCI_LAYER_GZIP);
    ExportLayer second = TestCaches.layer(store, "early step 0", 1000, MediaTypes.OCI_LAYER_GZIP);
    CacheExporter e = exporter(Map.of("ref", ref));
    e.offer(first, store);
    e.offer(second, store);
    e.offer(first, store); // offered twice: one upload
    CacheExportSummary s = e.export(c, store, ProgressListener.NONE);
    assertThat(s.uploaded()).isEqualTo(3);
    assertThat(s.bytesUploaded()).isEqualTo(3000 + 1000 + 1100);
    long puts =
        proxy.accessLog().stream()
            .filter(x -> x.method().equals("PUT") && x.path().contains("/blobs/uploads/"))
            .count();
    assertThat(puts).isEqualTo(4); // three layers and the config
    assertThat(importCache(ref).nodes(Digests.sha256("early step 1")).get(0).results()).hasSize(1);
  }

  /** Hands {@code layer}'s bytes to {@code tap} as a worker writing it would, in two parts. */
  private GrowingBlob writeThroughTap(BlobTap tap, ExportLayer layer, String name)
      throws Exception {
    byte[] bytes;
    try (InputStream in = store.open(layer.blob().digest())) {
      bytes = in.readAllBytes();
    }
    Path file = tmp.resolve(name);
    Files.write(file, new byte[0]);
    GrowingBlob blob = new GrowingBlob(file);
    tap.writing(blob);
    int half = bytes.length / 2;
    Files.write(file, Arrays.copyOf(bytes, half));
    blob.appended(half);
    Files.write(file, bytes);
    blob.completed(layer.blob().digest(), bytes.length);
    return blob;
  }

  /** Waits (bounded) until the access log has an entry {@code e}. */
  private static void awaitLogged(Predicate<AccessLogEntry> e) throws InterruptedException {
    for (int i = 0; i < 600 && proxy.accessLog().stream().noneMatch(e); i++) {
      Thread.sleep(100);
    }
  }

  @Test
  void tappedBlobs_sentWhileWritten_countedOnce_notSentAgain() throws Exception {
    String ref = proxy.hostPort() + "/cache/tapped:1";
    CacheChains c = TestCaches.chain(store, "tapped", 1);
    ExportLayer base = TestCaches.layer(store, "tapped base", 3000, MediaTypes.OCI_LAYER_GZIP);
    ExportLayer step = TestCaches.layer(store, "tapped step 0", 1000, MediaTypes.OCI_LAYER_GZIP);
    CacheExporter e = exporter(Map.of("ref", ref));
    writeThroughTap(e.tap(), base, "base.blob");
    writeThroughTap(e.tap(), step, "step.blob");
    e.offer(base, store); // already streamed: no second upload

    CacheExportSummary s = e.export(c, store, ProgressListener.NONE);

    assertThat(s.uploaded()).isEqualTo(2);
    List<AccessLogEntry> log = proxy.accessLog();
    assertThat(log.stream().filter(x -> x.method().equals("PATCH")))
        .hasSize(2)
        .allSatisfy(x -> assertThat(x.status()).isEqualTo(202));
    assertThat(
            log.stream()
                .filter(x -> x.method().equals("PUT") && x.path().contains("/blobs/uploads/")))
        .hasSize(3); // the two streams' commits and the config
    InMemoryContentStore fresh = new InMemoryContentStore();
    ImportedCache cache = importCache(ref);
    ImportedCache.Result top = cache.nodes(Digests.sha256("tapped step 0")).get(0).results().get(0);
    cache.fetch(top.chain().get(1).digest(), fresh);
    assertThat(fresh.contains(step.blob().digest())).isTrue();
  }

  @Test
  void tappedBlob_streamRefused_sentWhenFinished_andLaterBlobsAreNotStreamed() throws Exception {
    String ref = proxy.hostPort() + "/cache/tapfail:1";
    proxy.addRule(
        FaultRule.on("PATCH", "/v2/cache/tapfail/blobs/uploads/.*").always().respond(500));
    CacheChains c = TestCaches.chain(store, "tapfail", 1);
    ExportLayer base = TestCaches.layer(store, "tapfail base", 3000, MediaTypes.OCI_LAYER_GZIP);
    ExportLayer step = TestCaches.layer(store, "tapfail step 0", 1000, MediaTypes.OCI_LAYER_GZIP);
    CacheExporter e = exporter(Map.of("ref", ref));
    writeThroughTap(e.tap(), base, "base.blob");
    // the refusal has come back (the session is cancelled after it) before the next blob begins
    awaitLogged(x -> x.method().equals("DELETE"));
    GrowingBlob later = writeThroughTap(e.tap(), step, "step.blob");

    CacheExportSummary s = e.export(c, store, ProgressListener.NONE);

    assertThat(s.uploaded()).isEqualTo(2);
    assertThat(proxy.accessLog().stream().filter(x -> x.method().equals("PATCH")))
        .as("only the first blob was streamed")
        .hasSize(1);
    assertThatThrownBy(() -> later.read(0, ByteBuffer.allocate(1)))
        .as("a blob not streamed is closed at once")
        .isInstanceOf(IOException.class);
    assertThat(CacheManifestJson.layers(CacheManifestJson.inspectRaw(ref))).hasSize(2);
  }

  @Test
  void offeredLayer_failingUpload_failsTheExportNamingTheLayer() throws Exception {
    String ref = proxy.hostPort() + "/cache/earlyfail:1";
    proxy.addRule(
        FaultRule.on("PUT", "/v2/cache/earlyfail/blobs/uploads/.*").always().respond(403));
    CacheChains c = TestCaches.chain(store, "earlyfail", 1);
    ExportLayer base = TestCaches.layer(store, "earlyfail base", 3000, MediaTypes.OCI_LAYER_GZIP);
    CacheExporter e = exporter(Map.of("ref", ref));
    e.offer(base, store);
    assertThatThrownBy(() -> e.export(c, store, ProgressListener.NONE))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("writing layer " + base.blob().digest());
  }

  @Test
  void failedManifestWrite_leavesThePreviousCacheAtTheRef() throws Exception {
    String ref = proxy.hostPort() + "/cache/keep:1";
    CacheExportSummary first = export(Map.of("ref", ref), TestCaches.chain(store, "keep1", 1));
    proxy.addRule(FaultRule.on("PUT", "/v2/cache/keep/manifests/1").always().respond(500));
    assertThatThrownBy(() -> export(Map.of("ref", ref), TestCaches.chain(store, "keep2", 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("writing manifest");
    proxy.clearRules();
    assertThat(
            CacheManifestJson.inspectRaw(ref.replace(proxy.hostPort(), registry.hostPort()))
                .toString())
        .isEqualTo(JSON.readTree(rawManifest(first)).toString());
    assertThat(importCache(ref).nodes(Digests.sha256("keep1 step 0"))).hasSize(1);
  }

  private static byte[] rawManifest(CacheExportSummary s) throws Exception {
    return PROVIDER
        .client(registry.hostPort(), false)
        .pullManifest("cache/keep", s.manifest().digest().toString())
        .bytes();
  }
}
