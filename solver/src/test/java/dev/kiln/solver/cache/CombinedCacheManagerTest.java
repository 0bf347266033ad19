package dev.kiln.solver.cache;

import static dev.kiln.solver.cache.KeyGraphTest.BASE;
import static dev.kiln.solver.cache.KeyGraphTest.CONTENT;
import static dev.kiln.solver.cache.KeyGraphTest.COPIED;
import static dev.kiln.solver.cache.KeyGraphTest.RUN;
import static dev.kiln.solver.cache.KeyGraphTest.SESSION;
import static dev.kiln.solver.cache.KeyGraphTest.T2;
import static dev.kiln.solver.cache.KeyGraphTest.copy;
import static dev.kiln.solver.cache.KeyGraphTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local and imported caches queried together. */
class CombinedCacheManagerTest {

  @TempDir Path root;

  private static final Instant T3 = T2.plusSeconds(3600);
  private static final CacheResult CHAIN = new CacheResult("", List.of(BASE, COPIED, RUN));

  @Test
  void lookup_localResult_winsOverANewerImportedOne() throws Exception {
    try (LocalCacheManager local = LocalCacheManager.open(root)) {
      CacheResult mine = CacheResult.ofSnapshot("built here");
      local.save(run(copy(SESSION, CONTENT)), mine, Instant.parse("2020-01-01T00:00:00Z"));
      CombinedCacheManager m =
          new CombinedCacheManager(local, List.of(KeyGraph.imported(KeyGraphTest.cache("c", T3))));

      assertThat(m.session().lookup(run(copy(SESSION, CONTENT))).best().result()).isEqualTo(mine);
    }
  }

  @Test
  void lookup_onlyImported_newestAcrossCachesSavedLocallyWithItsTimeAndLinks() throws Exception {
    try (LocalCacheManager local = LocalCacheManager.open(root)) {
      CombinedCacheManager m =
          new CombinedCacheManager(
              local,
              List.of(
                  KeyGraph.imported(KeyGraphTest.cache("older", T2)),
                  KeyGraph.imported(KeyGraphTest.cache("newer", T3))));

      CacheMatch hit = m.session().lookup(run(copy(SESSION, CONTENT)));

      assertThat(hit.best()).isEqualTo(new CacheRecord(CHAIN, T3));
    }
    try (LocalCacheManager reopened = LocalCacheManager.open(root)) {
      // Found locally now, with the imported time, and through the definition key alone.
      assertThat(reopened.lookup(run(copy(SESSION, CONTENT))).best())
          .isEqualTo(new CacheRecord(CHAIN, T3));
    }
  }

  @Test
  void lookup_importedCopy_resavedWithTheContentKeyItWasExportedWith() throws Exception {
    try (LocalCacheManager local = LocalCacheManager.open(root)) {
      CombinedCacheManager m =
          new CombinedCacheManager(local, List.of(KeyGraph.imported(KeyGraphTest.cache("c", T2))));
      m.session().lookup(copy(SESSION, CONTENT));
    }
    try (LocalCacheManager reopened = LocalCacheManager.open(root)) {
      // A later build finds the step by its session key and still learns its content link.
      CacheMatch m = reopened.lookup(copy(SESSION));
      assertThat(m.best()).isNotNull();
      // (The image link is the key's own dependency; only the content link had to be learnt.)
      assertThat(m.rootLinks()).containsExactly(new CacheMatch.RootLink(1, CONTENT.digest(), null));
    }
  }

  @Test
  void drop_forgetsLocalAndImportedResultsNeedingTheBlob() throws Exception {
    try (LocalCacheManager local = LocalCacheManager.open(root)) {
      local.save(copy(SESSION, CONTENT), new CacheResult("", List.of(BASE, COPIED)));
      CombinedCacheManager m =
          new CombinedCacheManager(local, List.of(KeyGraph.imported(KeyGraphTest.cache("c", T2))));

      assertThat(m.drop(COPIED.digest())).isEqualTo(1 + 3);

      CacheMatch after = m.session().lookup(run(copy(SESSION, CONTENT)));
      assertThat(after.best()).isNull();
      assertThat(after.keyFound()).isTrue();
    }
  }
}
