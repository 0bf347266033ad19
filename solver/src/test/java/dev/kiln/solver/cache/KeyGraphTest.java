package dev.kiln.solver.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The read-only key graph of an imported cache (cache-format.md §7.1, §7.2). */
class KeyGraphTest {

  static final Digest SEL = Digests.sha256("/");
  static final Instant T1 = Instant.parse("2026-08-01T10:00:00.5Z");
  static final Instant T2 = Instant.parse("2026-08-02T10:00:00.123456789Z");

  static final CacheKey IMAGE = CacheKey.root(Digests.sha256("image"), 0);
  static final CacheKey OTHER_IMAGE = CacheKey.root(Digests.sha256("other image"), 0);
  static final CacheKey CONTENT = CacheKey.content(Digests.sha256("app.conf bytes"));
  static final CacheKey SESSION = CacheKey.root(Digests.sha256("context of this session"), 0);

  static Descriptor layer(String name) {
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(name), 10)
        .withAnnotation(CacheAnnotations.UNCOMPRESSED, Digests.sha256("tar " + name).toString());
  }

  static final Descriptor BASE = layer("base");
  static final Descriptor COPIED = layer("copied");
  static final Descriptor RUN = layer("run");

  /** A RUN key on {@code parent}, linked with selector "/". */
  static CacheKey run(CacheKey parent) {
    return new CacheKey(Digests.sha256("run"), 0, List.of(List.of(new CacheKey.Dep(parent, SEL))));
  }

  /** A COPY from the context onto the image: input 1 through the session key and/or content. */
  static CacheKey copy(CacheKey... contextKeys) {
    List<CacheKey.Dep> ctx = new ArrayList<>();
    for (CacheKey k : contextKeys) {
      ctx.add(new CacheKey.Dep(k, k == CONTENT ? null : SEL));
    }
    return new CacheKey(
        Digests.sha256("copy"), 0, List.of(List.of(new CacheKey.Dep(IMAGE, null)), ctx));
  }

  static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  /**
   * Records: 0 image root, 1 content root, 2 COPY (image; content) with result [base, copied] at
   * T1, 3 RUN on the COPY with result [base, copied, run] at {@code runTime}, 4 another RUN record
   * of the same digest and parent with an older result of the same chain.
   */
  static ImportedCache cache(String name, Instant runTime) throws Exception {
    List<CacheConfig.Layer> layers =
        List.of(
            CacheConfig.Layer.of(BASE.digest(), -1),
            CacheConfig.Layer.of(COPIED.digest(), 0),
            CacheConfig.Layer.of(RUN.digest(), 1));
    List<CacheConfig.Record> records =
        List.of(
            new CacheConfig.Record(null, null, IMAGE.digest(), null),
            new CacheConfig.Record(null, null, CONTENT.digest(), null),
            new CacheConfig.Record(
                List.of(new CacheConfig.Result(1, utc(T1))),
                null,
                copy(CONTENT).digest(),
                List.of(
                    List.of(new CacheConfig.Input(null, 0)),
                    List.of(new CacheConfig.Input(null, 1)))),
            new CacheConfig.Record(
                List.of(new CacheConfig.Result(2, utc(runTime))),
                null,
                run(IMAGE).digest(),
                List.of(List.of(new CacheConfig.Input(SEL, 2)))),
            new CacheConfig.Record(
                List.of(new CacheConfig.Result(2, utc(T1.minusSeconds(60)))),
                null,
                run(IMAGE).digest(),
                List.of(List.of(new CacheConfig.Input(SEL, 2)))));
    return ImportedCache.of(
        name,
        new CacheConfig(layers, records),
        List.of(BASE, COPIED, RUN),
        d -> {
          throw new IOException("not fetched in this test");
        });
  }

  private static CacheMatch lookup(KeyGraph g, CacheKey k) {
    return g.lookup(k, new IdentityHashMap<>());
  }

  @Test
  void imported_copyFromContext_matchesOnlyThroughItsContentKey() throws Exception {
    KeyGraph g = KeyGraph.imported(cache("c", T2));

    CacheMatch viaContent = lookup(g, copy(SESSION, CONTENT));
    CacheMatch viaSessionOnly = lookup(g, copy(SESSION));

    assertThat(viaContent.best())
        .isEqualTo(new CacheRecord(new CacheResult("", List.of(BASE, COPIED)), T1));
    assertThat(viaSessionOnly).isEqualTo(CacheMatch.NONE);
  }

  @Test
  void imported_definitionKeyFollowsLinks_sameRecordsMergeNewestFirst() throws Exception {
    KeyGraph g = KeyGraph.imported(cache("c", T2));

    CacheMatch m = lookup(g, run(copy(SESSION, CONTENT)));

    assertThat(m.best())
        .isEqualTo(new CacheRecord(new CacheResult("", List.of(BASE, COPIED, RUN)), T2));
    assertThat(lookup(g, run(OTHER_IMAGE)).keyFound()).isFalse();
  }

  @Test
  void imported_match_reportsTheRootLinksOfTheRecord() throws Exception {
    KeyGraph g = KeyGraph.imported(cache("c", T2));

    CacheMatch m = lookup(g, copy(SESSION, CONTENT));

    assertThat(m.rootLinks())
        .containsExactlyInAnyOrder(
            new CacheMatch.RootLink(0, IMAGE.digest(), null),
            new CacheMatch.RootLink(1, CONTENT.digest(), null));
  }

  @Test
  void imported_dropBlob_forgetsResultsNeedingItKeepsKeys() throws Exception {
    KeyGraph g = KeyGraph.imported(cache("c", T2));

    assertThat(g.drop(RUN.digest())).isEqualTo(2);

    CacheMatch m = lookup(g, run(copy(SESSION, CONTENT)));
    assertThat(m.best()).isNull();
    assertThat(m.keyFound()).isTrue();
    assertThat(lookup(g, copy(CONTENT)).best()).isNotNull();
  }

  @Test
  void imported_isReadOnly() throws Exception {
    KeyGraph g = KeyGraph.imported(cache("c", T2));

    assertThatThrownBy(
            () ->
                g.save(
                    IMAGE,
                    new CacheRecord(CacheResult.ofSnapshot("x"), T1),
                    new IdentityHashMap<>()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builder_loopingLinks_rejected() {
    KeyGraph.Builder b = KeyGraph.builder();
    b.add(Digests.sha256("a"), List.of(List.of(new KeyGraph.Builder.Input(null, 1))), List.of());
    b.add(Digests.sha256("b"), List.of(List.of(new KeyGraph.Builder.Input(null, 0))), List.of());

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loop");
  }
}
