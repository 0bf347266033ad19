package dev.kiln.solver.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCacheManagerTest {

  @TempDir Path root;

  private static final Digest SEL = Digests.sha256("/");
  private static final CacheResult R1 =
      new CacheResult(
          "snap-1",
          List.of(
              Descriptor.of(
                  "application/vnd.oci.image.layer.v1.tar+gzip", Digests.sha256("l"), 7)));

  private static CacheKey root(String s) {
    return CacheKey.root(Digests.sha256(s), 0);
  }

  private static CacheKey child(String op, CacheKey... parents) {
    List<List<CacheKey.Dep>> deps = new ArrayList<>();
    for (CacheKey p : parents) {
      deps.add(List.of(new CacheKey.Dep(p, SEL)));
    }
    return new CacheKey(Digests.sha256(op), 0, deps);
  }

  @Test
  void query_afterSaveAndReopen_returnsResultWithLayers() throws Exception {
    CacheKey k = child("run", root("base"));
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.query(k)).isEmpty();
      m.save(k, R1);
    }

    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.query(child("run", root("base")))).contains(R1);
      assertThat(m.size()).isEqualTo(1);
    }
  }

  @Test
  void recordLayers_ofASnapshotSavedWithout_resultsCarryThemAlsoAfterReopen() throws Exception {
    CacheKey k = child("run", root("base"));
    CacheKey other = child("copy", root("base"));
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(k, CacheResult.ofSnapshot("snap-1"));
      m.save(other, CacheResult.ofSnapshot("snap-2"));
      assertThat(m.query(k)).contains(CacheResult.ofSnapshot("snap-1"));

      m.recordLayers("snap-1", R1.layers());

      assertThat(m.query(k)).contains(R1);
      assertThat(m.query(other)).contains(CacheResult.ofSnapshot("snap-2"));
    }
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.session().query(child("run", root("base")))).contains(R1);
    }
  }

  @Test
  void query_otherParentOrSelector_misses() throws Exception {
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(child("run", root("base")), R1);

      assertThat(m.query(child("run", root("other")))).isEmpty();
      CacheKey otherSel =
          new CacheKey(
              Digests.sha256("run"),
              0,
              List.of(List.of(new CacheKey.Dep(root("base"), Digests.sha256("/src")))));
      assertThat(m.query(otherSel)).isEmpty();
      assertThat(m.query(new CacheKey(Digests.sha256("run"), 1, child("run", root("base")).deps())))
          .isEmpty();
    }
  }

  @Test
  void query_twoInputs_requiresMatchThroughEveryInput() throws Exception {
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(child("merge", root("a"), root("b")), R1);

      assertThat(m.query(child("merge", root("a"), root("b")))).contains(R1);
      assertThat(m.query(child("merge", root("a"), root("c")))).isEmpty();
    }
  }

  @Test
  void query_contentKeyAlternative_matchesOtherDefinitionParent() throws Exception {
    CacheKey content = CacheKey.content(Digests.sha256("same bytes"));
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(
          new CacheKey(
              Digests.sha256("copy"),
              0,
              List.of(List.of(new CacheKey.Dep(root("p1"), SEL), new CacheKey.Dep(content, null)))),
          R1);

      CacheKey viaOtherProducer =
          new CacheKey(
              Digests.sha256("copy"),
              0,
              List.of(List.of(new CacheKey.Dep(root("p2"), SEL), new CacheKey.Dep(content, null))));
      assertThat(m.query(viaOtherProducer)).contains(R1);
      assertThat(m.query(child("copy", root("p2")))).isEmpty();
      assertThat(m.query(child("copy", root("p1")))).contains(R1);
    }
  }

  @Test
  void open_tornTail_keepsIntactRecordsAndAcceptsNewOnes() throws Exception {
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(root("a"), R1);
    }
    Files.write(
        root.resolve("cache.journal"),
        "0000abcd {\"t\":\"res".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);

    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.droppedBytes()).isPositive();
      assertThat(m.query(root("a"))).contains(R1);
      m.save(root("b"), CacheResult.ofSnapshot("b"));
    }
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.droppedBytes()).isZero();
      assertThat(m.query(root("b"))).contains(CacheResult.ofSnapshot("b"));
    }
  }

  @Test
  void open_corruptedRecord_dropsItAndEverythingAfter() throws Exception {
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(root("a"), CacheResult.ofSnapshot("a"));
      m.save(root("b"), CacheResult.ofSnapshot("b"));
    }
    Path journal = root.resolve("cache.journal");
    String text =
        Files.readString(journal)
            .replace(
                "\"id\":\"sha256:" + root("b").digest().hex(),
                "\"id\":\"sha256:" + root("x").digest().hex());
    Files.writeString(journal, text);

    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.query(root("a"))).isPresent();
      assertThat(m.query(root("b"))).isEmpty();
      assertThat(m.query(root("x"))).isEmpty();
    }
  }

  @Test
  void open_journalOfOtherVersion_startsEmpty() throws Exception {
    Files.writeString(root.resolve("cache.journal"), "garbage\n");

    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.size()).isZero();
      m.save(root("a"), R1);
    }
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.query(root("a"))).contains(R1);
    }
  }

  @Test
  void save_newerResult_replacesOlder() throws Exception {
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(root("a"), CacheResult.ofSnapshot("old"));
      m.save(root("a"), CacheResult.ofSnapshot("new"));
    }
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.query(root("a"))).contains(CacheResult.ofSnapshot("new"));
    }
  }

  @Test
  void save_concurrently_allVisible() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        fs.add(
            pool.submit(
                () -> {
                  m.save(child("op" + n, root("base")), CacheResult.ofSnapshot("s" + n));
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      for (int i = 0; i < 200; i++) {
        assertThat(m.query(child("op" + i, root("base"))))
            .contains(CacheResult.ofSnapshot("s" + i));
      }
    }
  }

  @Test
  void query_tenThousandDeepKey_found() throws Exception {
    CacheKey k = root("base");
    for (int i = 0; i < 10_000; i++) {
      k = child("step", k);
    }
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(k, R1);

      assertThat(m.query(k)).contains(R1);
    }
  }

  @Test
  void save_sameResultAgain_keepsFirstCreatedAtAcrossReopen() throws Exception {
    CacheKey k = child("run", root("base"));
    Instant first = Instant.parse("2026-08-01T10:00:03.123456789Z");
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(k, R1, first);
      m.save(k, R1, Instant.parse("2026-09-01T00:00:00Z"));
      m.save(k, R1);
    }

    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.lookup(k).best()).isEqualTo(new CacheRecord(R1, first));
    }
  }

  @Test
  void save_differentResult_replacesWithItsOwnTime() throws Exception {
    CacheKey k = child("run", root("base"));
    Instant later = Instant.parse("2026-09-01T00:00:00Z");
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(k, R1, Instant.parse("2026-08-01T00:00:00Z"));
      m.save(k, CacheResult.ofSnapshot("other"), later);

      assertThat(m.lookup(k).best())
          .isEqualTo(new CacheRecord(CacheResult.ofSnapshot("other"), later));
    }
  }

  @Test
  void drop_blobOfAChain_forgetsResultsContainingItAcrossReopen() throws Exception {
    CacheKey withBlob = child("run", root("base"));
    CacheKey without = child("other", root("base"));
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(withBlob, R1);
      m.save(without, CacheResult.ofSnapshot("s"));

      assertThat(m.drop(R1.layers().get(0).digest())).isEqualTo(1);
      assertThat(m.drop(R1.layers().get(0).digest())).isZero();
      assertThat(m.lookup(withBlob).keyFound()).isTrue();
      assertThat(m.query(withBlob)).isEmpty();
    }

    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      assertThat(m.query(withBlob)).isEmpty();
      assertThat(m.query(without)).contains(CacheResult.ofSnapshot("s"));
      m.save(withBlob, R1);
      assertThat(m.query(withBlob)).contains(R1);
    }
  }

  @Test
  void lookup_throughDefinitionKey_reportsContentKeyLinksAcrossReopen() throws Exception {
    CacheKey content = CacheKey.content(Digests.sha256("same bytes"));
    CacheKey session = root("context");
    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      m.save(
          new CacheKey(
              Digests.sha256("copy"),
              0,
              List.of(
                  List.of(new CacheKey.Dep(root("base"), null)),
                  List.of(new CacheKey.Dep(session, SEL), new CacheKey.Dep(content, null)))),
          R1);
    }

    try (LocalCacheManager m = LocalCacheManager.open(root)) {
      CacheMatch match =
          m.lookup(
              new CacheKey(
                  Digests.sha256("copy"),
                  0,
                  List.of(
                      List.of(new CacheKey.Dep(root("base"), null)),
                      List.of(new CacheKey.Dep(session, SEL)))));
      assertThat(match.best().result()).isEqualTo(R1);
      assertThat(match.rootLinks())
          .containsExactly(new CacheMatch.RootLink(1, content.digest(), null));
    }
  }
}
