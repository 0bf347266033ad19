package dev.kiln.cache.inline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.InlineCacheCodec;
import dev.kiln.core.port.CacheAttributeException;
import dev.kiln.core.port.CacheEmbedder;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InlineCacheEmbedderTest {

  private static final Instant T1 = Instant.parse("2026-01-02T03:04:05.123456789Z");
  private static final Instant T2 = Instant.parse("2026-01-02T03:04:06Z");
  private static final Instant EPOCH = Instant.ofEpochSecond(1_700_000_000);

  private final CacheEmbedder embedder = new InlineCacheEmbedderFactory().create(Map.of());

  /** A layer whose diffID is derived from {@code name} and blob from name + compression. */
  private static ExportLayer layer(String name, String mediaType) {
    return ExportLayer.of(
        Descriptor.of(mediaType, Digests.sha256(name + mediaType), 100),
        Digests.sha256("diff:" + name));
  }

  private static List<ExportLayer> image(String mediaType, String... names) {
    List<ExportLayer> out = new ArrayList<>();
    for (String n : names) {
      out.add(layer(n, mediaType));
    }
    return out;
  }

  /** base (root) → a (result: layers 0..1) → b (result: layers 0..2). */
  private static CacheChains chain(List<ExportLayer> layers) {
    CacheChains chains = new CacheChains();
    CacheChains.Item base = chains.add(Digests.sha256("key:base"), 0);
    CacheChains.Item a = chains.add(Digests.sha256("key:a"), 1).linkFrom(base, 0, null);
    a.addResult(layers.subList(0, 2), T1);
    chains
        .add(Digests.sha256("key:b"), 1)
        .linkFrom(a, 0, Digests.sha256("selector"))
        .addResult(layers.subList(0, 3), T2);
    return chains;
  }

  private List<CacheConfig.Record> embed(
      CacheChains chains, List<ExportLayer> image, Instant createdAt) throws Exception {
    Map<String, String> fields = embedder.embed(chains, image, createdAt, ProgressListener.NONE);
    assertThat(fields).containsOnlyKeys(InlineCacheCodec.CONFIG_KEY);
    return InlineCacheCodec.decode(fields.get(InlineCacheCodec.CONFIG_KEY));
  }

  private static CacheConfig.Record record(List<CacheConfig.Record> records, String key) {
    Digest d = Digests.sha256("key:" + key);
    return records.stream().filter(r -> r.digest().equals(d)).findFirst().orElseThrow();
  }

  @Test
  void prefixResults_pointAtTheirTopImageLayer_withTheirOwnTimes() throws Exception {
    List<ExportLayer> image = image(MediaTypes.OCI_LAYER_GZIP, "l0", "l1", "l2");

    List<CacheConfig.Record> records = embed(chain(image), image, null);

    assertThat(records).hasSize(3);
    assertThat(record(records, "base").results()).isEmpty();
    assertThat(record(records, "a").results())
        .containsExactly(new CacheConfig.Result(1, T1.atOffset(java.time.ZoneOffset.UTC)));
    assertThat(record(records, "b").results())
        .containsExactly(new CacheConfig.Result(2, T2.atOffset(java.time.ZoneOffset.UTC)));
    assertThat(record(records, "b").inputs().get(0).get(0).selector())
        .isEqualTo(Digests.sha256("selector"));
  }

  @Test
  void sourceDateEpoch_stampsEveryResult_soTheValueDoesNotDependOnWhenStepsRan() throws Exception {
    List<ExportLayer> image = image(MediaTypes.OCI_LAYER_GZIP, "l0", "l1", "l2");
    CacheChains later = new CacheChains();
    CacheChains.Item base = later.add(Digests.sha256("key:base"), 0);
    CacheChains.Item a = later.add(Digests.sha256("key:a"), 1).linkFrom(base, 0, null);
    a.addResult(image.subList(0, 2), T1.plusSeconds(3600));
    later
        .add(Digests.sha256("key:b"), 1)
        .linkFrom(a, 0, Digests.sha256("selector"))
        .addResult(image, T2.plusSeconds(7200));

    String first =
        embedder
            .embed(chain(image), image, EPOCH, ProgressListener.NONE)
            .values()
            .iterator()
            .next();
    String second =
        embedder.embed(later, image, EPOCH, ProgressListener.NONE).values().iterator().next();

    assertThat(second).isEqualTo(first);
    for (CacheConfig.Record r : InlineCacheCodec.decode(first)) {
      r.results().forEach(res -> assertThat(res.createdAt().toInstant()).isEqualTo(EPOCH));
    }
  }

  @Test
  void imageInAnotherCompression_sameDiffIds_givesTheSameValue() throws Exception {
    List<ExportLayer> gzip = image(MediaTypes.OCI_LAYER_GZIP, "l0", "l1", "l2");
    List<ExportLayer> zstd = image(MediaTypes.OCI_LAYER_ZSTD, "l0", "l1", "l2");

    Map<String, String> a = embedder.embed(chain(gzip), gzip, null, ProgressListener.NONE);
    Map<String, String> b = embedder.embed(chain(gzip), zstd, null, ProgressListener.NONE);

    assertThat(b).isEqualTo(a);
  }

  @Test
  void resultNotInImageOrder_isAChainedResultWithGoZeroTime() throws Exception {
    List<ExportLayer> image = image(MediaTypes.OCI_LAYER_GZIP, "l0", "l1", "l2");
    CacheChains chains = new CacheChains();
    chains
        .add(Digests.sha256("key:merged"), 1)
        .linkFrom(chains.add(Digests.sha256("key:base"), 0), 0, null)
        .addResult(List.of(image.get(0), image.get(2)), T1);

    List<CacheConfig.Record> records = embed(chains, image, EPOCH);

    CacheConfig.Record merged = record(records, "merged");
    assertThat(merged.results()).isEmpty();
    assertThat(merged.chains())
        .containsExactly(new CacheConfig.ChainedResult(List.of(0, 2), CacheConfig.GO_ZERO_TIME));
  }

  @Test
  void resultWithALayerTheImageLacks_isDropped_butItsRecordStays() throws Exception {
    List<ExportLayer> image = image(MediaTypes.OCI_LAYER_GZIP, "l0", "l1", "l2");
    List<ExportLayer> other = new ArrayList<>(image.subList(0, 1));
    other.add(layer("elsewhere", MediaTypes.OCI_LAYER_GZIP));
    CacheChains chains = chain(image);
    chains
        .add(Digests.sha256("key:other-stage"), 1)
        .linkFrom(chains.add(Digests.sha256("key:base"), 0), 0, null)
        .addResult(other, T1);

    List<CacheConfig.Record> records = embed(chains, image, null);

    assertThat(records).hasSize(4);
    assertThat(record(records, "other-stage").results()).isEmpty();
    assertThat(record(records, "other-stage").chains()).isEmpty();
    assertThat(record(records, "b").results()).hasSize(1);
  }

  @Test
  void noResultInTheImage_embedsNothing() throws Exception {
    List<ExportLayer> built = image(MediaTypes.OCI_LAYER_GZIP, "l0", "l1", "l2");
    List<ExportLayer> image = image(MediaTypes.OCI_LAYER_GZIP, "x0");
    List<String> logs = new ArrayList<>();
    ProgressListener progress =
        new ProgressListener() {
          @Override
          public void log(Digest vertex, LogStream stream, String line) {
            logs.add(line);
          }
        };

    assertThat(embedder.embed(chain(built), image, null, progress)).isEmpty();
    assertThat(logs).containsExactly("no result matches the image's layers");
  }

  @Test
  void tooLargeForAnImageConfig_isRefusedWithTheWayOut() {
    List<ExportLayer> image = image(MediaTypes.OCI_LAYER_GZIP, "l0");
    CacheChains chains = new CacheChains();
    CacheChains.Item root = chains.add(Digests.sha256("key:root"), 0);
    for (int i = 0; i < 12_000; i++) {
      chains.add(Digests.sha256("key:" + i), 1).linkFrom(root, 0, null).addResult(image, T1);
    }

    assertThatThrownBy(() -> embedder.embed(chains, image, null, ProgressListener.NONE))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("12001 records")
        .hasMessageContaining("--cache-to type=registry");
  }

  @Test
  void factory_minModeAlways_maxWarned_otherModesRefused() {
    InlineCacheEmbedderFactory f = new InlineCacheEmbedderFactory();
    assertThat(f.type()).isEqualTo("inline");
    assertThat(f.create(Map.of()).options().mode()).isEqualTo(CacheExportMode.MIN);
    assertThat(f.create(Map.of()).warnings()).isEmpty();
    assertThat(f.create(Map.of("mode", "min")).warnings()).isEmpty();

    CacheEmbedder max = f.create(Map.of("mode", "max"));
    assertThat(max.options().mode()).isEqualTo(CacheExportMode.MIN);
    assertThat(max.warnings()).singleElement().asString().contains("mode=max is ignored");

    assertThatThrownBy(() -> f.create(Map.of("mode", "maximal")))
        .isInstanceOf(CacheAttributeException.class)
        .hasMessage("--cache-to type=inline: mode=maximal is not supported (use min)");
  }

  @Test
  void factory_refusesCompressionAndUnknownAttributes_readsIgnoreError() {
    InlineCacheEmbedderFactory f = new InlineCacheEmbedderFactory();
    assertThatThrownBy(() -> f.create(Map.of("compression", "zstd")))
        .isInstanceOf(CacheAttributeException.class)
        .hasMessageContaining("set compression on the image output");
    assertThatThrownBy(() -> f.create(Map.of("ref", "localhost:5000/app:cache")))
        .isInstanceOf(CacheAttributeException.class)
        .hasMessage("--cache-to type=inline: unknown attribute 'ref' (known: ignore-error, mode)");
    assertThat(f.create(Map.of("ignore-error", "true")).options().ignoreError()).isTrue();
    assertThat(f.create(Map.of("ignore-error", "")).options().ignoreError()).isTrue();
    assertThat(f.create(Map.of()).options().ignoreError()).isFalse();
    assertThatThrownBy(() -> f.create(Map.of("ignore-error", "yes")))
        .isInstanceOf(CacheAttributeException.class)
        .hasMessageContaining("ignore-error=yes is not a boolean");
  }
}
