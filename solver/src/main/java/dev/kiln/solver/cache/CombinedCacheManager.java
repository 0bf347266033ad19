package dev.kiln.solver.cache;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The local cache and any number of imported caches queried together (BuildKit's combined cache
 * manager). Root keys meet by digest; each imported graph resolves a key through its own links.
 *
 * <p>Rules: a local result wins; otherwise, among the imported results, the newest {@code
 * createdAt}. A result found only in an imported cache is saved into the local cache at once, under
 * the same key and with its imported time (and the imported record's root links, so the content
 * keys it was matched through are exported again), so the next build finds it locally. Its blobs
 * are not fetched here: the result holds descriptors until something needs the files. Saves go to
 * the local cache only; {@link #drop} forgets results everywhere.
 *
 * <p>Thread-safe.
 */
public final class CombinedCacheManager implements CacheManager {

  private final LocalCacheManager local;
  private final List<KeyGraph> imported;

  /**
   * @param local where results are saved
   * @param imported read-only graphs of imported caches ({@link KeyGraph#imported}), any order
   */
  public CombinedCacheManager(LocalCacheManager local, List<KeyGraph> imported) {
    this.local = Objects.requireNonNull(local, "local");
    this.imported = List.copyOf(imported);
    for (KeyGraph g : this.imported) {
      if (g.writable()) {
        throw new IllegalArgumentException("imported key graphs are read-only");
      }
    }
  }

  @Override
  public CacheMatch lookup(CacheKey key) throws IOException {
    return session().lookup(key);
  }

  @Override
  public CacheRecord save(CacheKey key, CacheResult result, Instant createdAt) throws IOException {
    return local.save(key, result, createdAt);
  }

  @Override
  public int drop(Digest blob) throws IOException {
    int n = local.drop(blob);
    for (KeyGraph g : imported) {
      n += g.drop(blob);
    }
    return n;
  }

  @Override
  public void recordLayers(String snapshotId, List<Descriptor> layers) throws IOException {
    local.recordLayers(snapshotId, layers);
  }

  @Override
  public CacheManager session() {
    return new Session();
  }

  /** One solve's view: a resolution memo per graph. */
  private final class Session implements CacheManager {
    private final LocalCacheManager.Session localSession =
        (LocalCacheManager.Session) local.session();
    private final List<Map<CacheKey, Set<String>>> memos = new ArrayList<>();

    Session() {
      for (int i = 0; i < imported.size(); i++) {
        memos.add(new IdentityHashMap<>());
      }
    }

    @Override
    public CacheMatch lookup(CacheKey key) throws IOException {
      CacheMatch mine = localSession.lookup(key);
      boolean found = mine.keyFound();
      Set<CacheMatch.RootLink> roots = new LinkedHashSet<>(mine.rootLinks());
      List<CacheMatch.RootLink> importedRoots = new ArrayList<>();
      CacheRecord newest = null;
      for (int i = 0; i < imported.size(); i++) {
        CacheMatch m = imported.get(i).lookup(key, memos.get(i));
        found |= m.keyFound();
        importedRoots.addAll(m.rootLinks());
        if (m.best() != null
            && (newest == null || m.best().createdAt().isAfter(newest.createdAt()))) {
          newest = m.best();
        }
      }
      roots.addAll(importedRoots);
      CacheRecord best = mine.best();
      if (best == null && newest != null) {
        KeyGraph.Saved saved = localSession.saveWithId(key, newest.result(), newest.createdAt());
        if (!key.isRoot() && !importedRoots.isEmpty()) {
          local.addRootLinks(
              saved.id(), key.digest(), List.copyOf(new LinkedHashSet<>(importedRoots)));
        }
        best = saved.record();
      }
      return new CacheMatch(best, found, List.copyOf(roots));
    }

    @Override
    public CacheRecord save(CacheKey key, CacheResult result, Instant createdAt)
        throws IOException {
      return localSession.save(key, result, createdAt);
    }

    @Override
    public int drop(Digest blob) throws IOException {
      return CombinedCacheManager.this.drop(blob);
    }

    @Override
    public void recordLayers(String snapshotId, List<Descriptor> layers) throws IOException {
      local.recordLayers(snapshotId, layers);
    }
  }
}
