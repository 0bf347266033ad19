package dev.kiln.solver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.cache.CacheKey;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link CacheManager} kept in memory and persisted in an append-only journal ({@code
 * <root>/cache.journal}, see {@link CacheJournal}) that is replayed on open.
 *
 * <p>The store is BuildKit's key graph: a root key's id is its digest; a non-root key's id is
 * derived, when first saved, from its digest and its dependencies' ids and selectors. Links {@code
 * (parent id, input, child digest, selector) -> child ids} are what queries follow, so dependencies
 * are never hashed into a key and a content ("slow") key stands in for a definition key. Key
 * resolution walks the key graph with an explicit stack (no recursion).
 *
 * <p>Thread-safe: one lock guards the index and the journal; lookups are in-memory map operations.
 * Durability: the journal is forced to disk on {@link #close()} and {@link #sync()}; after a power
 * loss trailing records may be missing (a cache miss), never wrong. Results must be saved after the
 * content they reference is durable (the content store forces blobs before publishing them).
 */
public final class LocalCacheManager implements CacheManager, Closeable {

  private static final String ID_TAG = "kiln.cacheid.v1";

  private final Object lock = new Object();
  private final Map<Link, Set<String>> links = new HashMap<>();
  private final Map<String, Stored> results = new HashMap<>();
  private final Set<String> knownRoots = new HashSet<>();
  private final Map<String, List<Descriptor>> snapshotLayers = new HashMap<>();
  private final Clock clock;
  private final CacheJournal journal;

  private record Link(String parent, int input, String childDigest, String selector) {}

  private record Stored(CacheResult result, long createdAt) {}

  private LocalCacheManager(Path root, Clock clock) throws IOException {
    this.clock = clock;
    this.journal = CacheJournal.open(root.resolve("cache.journal"), this::apply);
  }

  /**
   * Opens the cache under {@code root} (creating it), loading everything recorded before.
   *
   * @throws IOException if the journal cannot be read or created
   */
  public static LocalCacheManager open(Path root) throws IOException {
    return new LocalCacheManager(root, Clock.systemUTC());
  }

  @Override
  public Optional<CacheResult> query(CacheKey key) {
    synchronized (lock) {
      return newest(resolve(key, false, new IdentityHashMap<>()));
    }
  }

  @Override
  public void save(CacheKey key, CacheResult result) throws IOException {
    synchronized (lock) {
      save(key, result, new IdentityHashMap<>());
    }
  }

  @Override
  public void recordLayers(String snapshotId, List<Descriptor> layers) throws IOException {
    synchronized (lock) {
      List<Descriptor> copy = List.copyOf(layers);
      if (snapshotId.isEmpty() || copy.equals(snapshotLayers.get(snapshotId))) {
        return;
      }
      ObjectNode r = CacheJournal.record().put("t", "layers").put("snapshot", snapshotId);
      r.set("layers", CacheJournal.mapper().valueToTree(copy));
      journal.append(r);
      snapshotLayers.put(snapshotId, copy);
    }
  }

  @Override
  public CacheManager session() {
    return new Session();
  }

  /** The number of keys with a result. */
  public int size() {
    synchronized (lock) {
      return results.size();
    }
  }

  /** Forces everything saved so far to disk. */
  public void sync() throws IOException {
    synchronized (lock) {
      journal.sync();
    }
  }

  /** Bytes of a torn or corrupt journal tail that were discarded when this cache was opened. */
  long droppedBytes() {
    return journal.droppedBytes();
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      journal.close();
    }
  }

  /** Memoizes key resolution by key identity for its lifetime (one solve). */
  private final class Session implements CacheManager {
    private final Map<CacheKey, Set<String>> memo = new IdentityHashMap<>();

    @Override
    public Optional<CacheResult> query(CacheKey key) {
      synchronized (lock) {
        return newest(resolve(key, false, memo));
      }
    }

    @Override
    public void save(CacheKey key, CacheResult result) throws IOException {
      synchronized (lock) {
        LocalCacheManager.this.save(key, result, memo);
      }
    }

    @Override
    public void recordLayers(String snapshotId, List<Descriptor> layers) throws IOException {
      LocalCacheManager.this.recordLayers(snapshotId, layers);
    }
  }

  private void save(CacheKey key, CacheResult result, Map<CacheKey, Set<String>> memo)
      throws IOException {
    Set<String> ids;
    try {
      ids = resolve(key, true, memo);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    String id = ids.iterator().next();
    long now = clock.millis();
    ObjectNode r = CacheJournal.record().put("t", "result").put("id", id).put("at", now);
    r.put("snapshot", result.snapshotId());
    r.set("layers", CacheJournal.mapper().valueToTree(result.layers()));
    journal.append(r);
    results.put(id, new Stored(result, now));
  }

  private Optional<CacheResult> newest(Set<String> ids) {
    Stored best = null;
    for (String id : ids) {
      Stored s = results.get(id);
      if (s != null && (best == null || s.createdAt() > best.createdAt())) {
        best = s;
      }
    }
    return Optional.ofNullable(best).map(Stored::result).map(this::withKnownLayers);
  }

  /** The result with the layers recorded for its snapshot, when it was saved without them. */
  private CacheResult withKnownLayers(CacheResult r) {
    if (!r.layers().isEmpty() || r.snapshotId().isEmpty()) {
      return r;
    }
    List<Descriptor> known = snapshotLayers.get(r.snapshotId());
    return known == null ? r : new CacheResult(r.snapshotId(), known);
  }

  /**
   * The ids matching {@code key}; with {@code create}, creates the key (and any dependency key
   * lacking an id) and links it from all alternative dependencies, returning exactly one id.
   * Post-order walk with an explicit stack; {@code memo} holds non-root keys already resolved.
   */
  private Set<String> resolve(CacheKey key, boolean create, Map<CacheKey, Set<String>> memo) {
    Deque<CacheKey> stack = new ArrayDeque<>();
    Set<CacheKey> expanded = Collections.newSetFromMap(new IdentityHashMap<>());
    stack.push(key);
    while (!stack.isEmpty()) {
      CacheKey k = stack.peek();
      if (k.isRoot() || resolved(k, create, memo)) {
        stack.pop();
      } else if (expanded.add(k)) {
        for (List<CacheKey.Dep> alternatives : k.deps()) {
          for (CacheKey.Dep dep : alternatives) {
            if (!dep.key().isRoot() && !resolved(dep.key(), create, memo)) {
              stack.push(dep.key());
            }
          }
        }
      } else {
        stack.pop();
        memo.put(k, compute(k, create, memo));
      }
    }
    return ids(key, create, memo);
  }

  private static boolean resolved(CacheKey k, boolean create, Map<CacheKey, Set<String>> memo) {
    Set<String> s = memo.get(k);
    // A miss remembered by a query is not good enough when creating.
    return s != null && (!create || !s.isEmpty());
  }

  private Set<String> ids(CacheKey k, boolean create, Map<CacheKey, Set<String>> memo) {
    if (k.isRoot()) {
      String id = k.digest().toString();
      return create || knownRoots.contains(id) || results.containsKey(id) ? Set.of(id) : Set.of();
    }
    return memo.getOrDefault(k, Set.of());
  }

  private Set<String> compute(CacheKey k, boolean create, Map<CacheKey, Set<String>> memo) {
    String digest = k.digest().toString();
    Set<String> matches = null;
    for (int i = 0; i < k.deps().size() && (matches == null || !matches.isEmpty()); i++) {
      Set<String> candidates = new HashSet<>();
      for (CacheKey.Dep dep : k.deps().get(i)) {
        for (String parent : ids(dep.key(), false, memo)) {
          candidates.addAll(links.getOrDefault(link(parent, i, digest, dep), Set.of()));
        }
      }
      if (matches == null) {
        matches = candidates;
      } else {
        matches.retainAll(candidates);
      }
    }
    if (!create) {
      return matches == null ? Set.of() : Set.copyOf(matches);
    }
    String id =
        matches == null || matches.isEmpty() ? newId(k, memo) : new TreeSet<>(matches).first();
    try {
      for (int i = 0; i < k.deps().size(); i++) {
        for (CacheKey.Dep dep : k.deps().get(i)) {
          for (String parent : ids(dep.key(), true, memo)) {
            addLink(link(parent, i, digest, dep), id, dep.key().isRoot());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.of(id);
  }

  private static Link link(String parent, int input, String childDigest, CacheKey.Dep dep) {
    return new Link(
        parent, input, childDigest, dep.selector() == null ? "" : dep.selector().toString());
  }

  private String newId(CacheKey k, Map<CacheKey, Set<String>> memo) {
    StringBuilder sb = new StringBuilder(ID_TAG).append('\0').append(k.digest());
    for (int i = 0; i < k.deps().size(); i++) {
      TreeSet<String> parents = new TreeSet<>();
      for (CacheKey.Dep dep : k.deps().get(i)) {
        for (String parent : ids(dep.key(), true, memo)) {
          parents.add(parent + '|' + (dep.selector() == null ? "" : dep.selector()));
        }
      }
      sb.append('\0').append(i).append('\0').append(String.join(",", parents));
    }
    return Digests.sha256(sb.toString()).toString();
  }

  private void addLink(Link l, String child, boolean parentIsRoot) throws IOException {
    Set<String> children = links.get(l);
    if (children != null && children.contains(child)) {
      return;
    }
    journal.append(
        CacheJournal.record()
            .put("t", "link")
            .put("p", l.parent())
            .put("i", l.input())
            .put("d", l.childDigest())
            .put("s", l.selector())
            .put("c", child)
            .put("root", parentIsRoot));
    links.computeIfAbsent(l, x -> new HashSet<>()).add(child);
    if (parentIsRoot) {
      knownRoots.add(l.parent());
    }
  }

  private void apply(JsonNode r) {
    switch (r.path("t").asText()) {
      case "link" -> {
        Link l =
            new Link(
                r.path("p").asText(),
                r.path("i").asInt(),
                r.path("d").asText(),
                r.path("s").asText());
        links.computeIfAbsent(l, x -> new HashSet<>()).add(r.path("c").asText());
        if (r.path("root").asBoolean()) {
          knownRoots.add(l.parent());
        }
      }
      case "result" -> {
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode d : r.path("layers")) {
          layers.add(CacheJournal.mapper().convertValue(d, Descriptor.class));
        }
        results.put(
            r.path("id").asText(),
            new Stored(
                new CacheResult(r.path("snapshot").asText(), layers), r.path("at").asLong()));
      }
      case "layers" -> {
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode d : r.path("layers")) {
          layers.add(CacheJournal.mapper().convertValue(d, Descriptor.class));
        }
        snapshotLayers.put(r.path("snapshot").asText(), List.copyOf(layers));
      }
      default -> {
        // A kind this version does not know: ignore it rather than drop the whole cache.
      }
    }
  }
}
