package dev.kiln.solver.cache;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * BuildKit's cache key graph, in memory: the index behind {@link LocalCacheManager} and, read-only,
 * behind each imported cache ({@link #imported}).
 *
 * <p>A root key's id is its digest ({@code rootKey(D, out)}), so roots meet across graphs. A
 * non-root key's id is derived when it is first created, {@code sha256("kiln.cacheid.v1" \0 digest
 * \0 per input: i \0 sorted parent ids|selectors)}. Links {@code (parent id, input, child digest,
 * selector) -> child ids} are what queries follow: a key is found when its digest is reachable
 * through every input from any of that input's alternative dependency keys, so a content key stands
 * in for another producer. Results by id, newest {@code createdAt} first; a result saved again
 * unchanged keeps its first time.
 *
 * <p>Thread-safe (every method holds the graph's monitor). Resolution walks with an explicit stack
 * and memoizes per caller-supplied map (one per solve), so a query costs O(inputs) once the
 * dependencies were resolved.
 */
public final class KeyGraph {

  private static final String ID_TAG = "kiln.cacheid.v1";

  /** Receives every change before the graph applies it, to persist it; may refuse with I/O. */
  interface Journal {
    void link(Link link, String child, boolean parentIsRoot, boolean contentRoot)
        throws IOException;

    void result(String id, CacheRecord record) throws IOException;

    void drop(String id) throws IOException;
  }

  /** One link of the graph. */
  record Link(String parent, int input, String childDigest, String selector) {}

  /** A saved key's id and the record it now has (the earlier one when it was equal). */
  record Saved(String id, CacheRecord record) {}

  private final Journal journal;
  private final Map<Link, Set<String>> links = new HashMap<>();
  private final Map<String, Set<Link>> rootBacklinks = new HashMap<>();
  private final Map<String, List<CacheRecord>> results = new HashMap<>();
  private final Set<String> knownRoots = new HashSet<>();

  /**
   * Roots whose links are worth exporting beside a query's own dependencies: content keys in a
   * local graph, every root in an imported one (an exporter already dropped session-bound keys).
   */
  private final Set<String> exportableRoots = new HashSet<>();

  private KeyGraph(Journal journal) {
    this.journal = journal;
  }

  /** A writable graph that reports each change to {@code journal} before applying it. */
  static KeyGraph writable(Journal journal) {
    return new KeyGraph(Objects.requireNonNull(journal, "journal"));
  }

  /** Starts a read-only graph of imported records. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The read-only graph of an imported cache: its records with their links, and as results the
   * descriptor chains of the record's results that the manifest lists, with their times (a result
   * holds no snapshot; its blobs are fetched when a step needs the files).
   */
  public static KeyGraph imported(ImportedCache cache) {
    Builder b = builder();
    for (ImportedCache.Node n : cache.nodes()) {
      List<List<Builder.Input>> inputs = new ArrayList<>();
      for (List<ImportedCache.Link> group : n.inputs()) {
        List<Builder.Input> in = new ArrayList<>();
        for (ImportedCache.Link l : group) {
          in.add(new Builder.Input(l.selector(), l.from().index()));
        }
        inputs.add(in);
      }
      List<CacheRecord> results = new ArrayList<>();
      for (ImportedCache.Result r : n.results()) {
        results.add(new CacheRecord(new CacheResult("", r.chain()), r.createdAt()));
      }
      b.add(n.digest(), inputs, results);
    }
    return b.build();
  }

  /** Whether keys and results can be saved into this graph. */
  boolean writable() {
    return journal != null;
  }

  /** What the graph knows about {@code key}; {@code memo} caches resolutions by key identity. */
  synchronized CacheMatch lookup(CacheKey key, Map<CacheKey, Set<String>> memo) {
    Set<String> ids = resolve(key, false, memo);
    if (ids.isEmpty()) {
      return CacheMatch.NONE;
    }
    CacheRecord best = null;
    List<CacheMatch.RootLink> roots = new ArrayList<>();
    for (String id : ids) {
      List<CacheRecord> rs = results.get(id);
      if (rs != null && !rs.isEmpty() && (best == null || newer(rs.get(0), best))) {
        best = rs.get(0);
      }
      for (Link l : rootBacklinks.getOrDefault(id, Set.of())) {
        roots.add(
            new CacheMatch.RootLink(
                l.input(),
                Digest.parse(l.parent()),
                l.selector().isEmpty() ? null : Digest.parse(l.selector())));
      }
    }
    return new CacheMatch(best, true, roots);
  }

  private static boolean newer(CacheRecord a, CacheRecord b) {
    return a.createdAt().isAfter(b.createdAt());
  }

  /**
   * Records {@code record} for {@code key}, creating the key (and dependency keys lacking an id)
   * and linking it from every alternative dependency. A key that already has an equal result keeps
   * it with its first time.
   *
   * @return the key's id and its record
   */
  synchronized Saved save(CacheKey key, CacheRecord record, Map<CacheKey, Set<String>> memo)
      throws IOException {
    requireWritable();
    String id;
    try {
      id = resolve(key, true, memo).iterator().next();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<CacheRecord> existing = results.get(id);
    if (existing != null
        && !existing.isEmpty()
        && existing.get(0).result().equals(record.result())) {
      return new Saved(id, existing.get(0));
    }
    journal.result(id, record);
    putResult(id, record);
    return new Saved(id, record);
  }

  /** Adds root links (e.g. an imported record's content keys) into the record {@code childId}. */
  synchronized void addRootLinks(String childId, Digest childDigest, List<CacheMatch.RootLink> add)
      throws IOException {
    requireWritable();
    for (CacheMatch.RootLink r : add) {
      Link l =
          new Link(
              r.parent().toString(),
              r.input(),
              childDigest.toString(),
              r.selector() == null ? "" : r.selector().toString());
      addLink(l, childId, true, true);
    }
  }

  /**
   * Removes every result whose layer chain contains {@code blob} (a blob that can no longer be
   * fetched), so the steps that produced them run again.
   *
   * @return how many results were removed
   */
  synchronized int drop(Digest blob) throws IOException {
    int n = 0;
    for (Iterator<Map.Entry<String, List<CacheRecord>>> it = results.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, List<CacheRecord>> e = it.next();
      int before = e.getValue().size();
      List<CacheRecord> kept = new ArrayList<>();
      for (CacheRecord r : e.getValue()) {
        if (!contains(r.result(), blob)) {
          kept.add(r);
        }
      }
      if (kept.size() == before) {
        continue;
      }
      if (journal != null) {
        journal.drop(e.getKey());
      }
      n += before - kept.size();
      if (kept.isEmpty()) {
        it.remove();
      } else {
        e.setValue(kept);
      }
    }
    return n;
  }

  private static boolean contains(CacheResult r, Digest blob) {
    for (Descriptor d : r.layers()) {
      if (d.digest().equals(blob)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Gives every result of snapshot {@code snapshotId} saved without layers the layers now known for
   * it, keeping each record's time (so a later save of the same result is not a change).
   *
   * @return whether any record changed
   */
  synchronized boolean withLayers(String snapshotId, List<Descriptor> layers) {
    boolean changed = false;
    for (List<CacheRecord> rs : results.values()) {
      for (int i = 0; i < rs.size(); i++) {
        CacheResult r = rs.get(i).result();
        if (r.snapshotId().equals(snapshotId) && r.layers().isEmpty()) {
          rs.set(i, new CacheRecord(new CacheResult(snapshotId, layers), rs.get(i).createdAt()));
          changed = true;
        }
      }
    }
    return changed;
  }

  /** The number of keys with a result. */
  synchronized int size() {
    return results.size();
  }

  // ---- replay (journal already holds the change) --------------------------------------------

  synchronized void replayLink(Link l, String child, boolean parentIsRoot, boolean contentRoot) {
    applyLink(l, child, parentIsRoot, contentRoot);
  }

  synchronized void replayResult(String id, CacheRecord record) {
    putResult(id, record);
  }

  synchronized void replayDrop(String id) {
    results.remove(id);
  }

  // ---- resolution ------------------------------------------------------------------------------

  private void requireWritable() {
    if (journal == null) {
      throw new UnsupportedOperationException("an imported cache is read-only");
    }
  }

  private void putResult(String id, CacheRecord record) {
    List<CacheRecord> rs = new ArrayList<>();
    rs.add(record);
    results.put(id, rs);
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
            boolean content = dep.key().isRoot() && dep.key().output() == -1;
            addLink(link(parent, i, digest, dep), id, dep.key().isRoot(), content);
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
    List<Set<String>> parents = new ArrayList<>();
    for (int i = 0; i < k.deps().size(); i++) {
      Set<String> ps = new HashSet<>();
      for (CacheKey.Dep dep : k.deps().get(i)) {
        for (String parent : ids(dep.key(), true, memo)) {
          ps.add(parent + '|' + (dep.selector() == null ? "" : dep.selector()));
        }
      }
      parents.add(ps);
    }
    return id(k.digest().toString(), parents);
  }

  /** The id of a non-root key from its digest and, per input, its {@code parentId|selector}s. */
  private static String id(String digest, List<Set<String>> parentsPerInput) {
    StringBuilder sb = new StringBuilder(ID_TAG).append('\0').append(digest);
    for (int i = 0; i < parentsPerInput.size(); i++) {
      sb.append('\0')
          .append(i)
          .append('\0')
          .append(String.join(",", new TreeSet<>(parentsPerInput.get(i))));
    }
    return Digests.sha256(sb.toString()).toString();
  }

  private void addLink(Link l, String child, boolean parentIsRoot, boolean contentRoot)
      throws IOException {
    Set<String> children = links.get(l);
    if (children != null && children.contains(child)) {
      return;
    }
    journal.link(l, child, parentIsRoot, contentRoot);
    applyLink(l, child, parentIsRoot, contentRoot);
  }

  private void applyLink(Link l, String child, boolean parentIsRoot, boolean exportable) {
    links.computeIfAbsent(l, x -> new HashSet<>()).add(child);
    if (parentIsRoot) {
      knownRoots.add(l.parent());
    }
    if (exportable) {
      exportableRoots.add(l.parent());
      rootBacklinks.computeIfAbsent(child, x -> new LinkedHashSet<>()).add(l);
    }
  }

  /**
   * Builds the read-only graph of an imported cache from its records (cache-format.md §2, §7.1):
   * records without inputs are roots (id = digest); the others get ids from their digest and their
   * parents' ids, so records with the same digest and parents merge. Every root is exportable. Not
   * thread-safe.
   */
  public static final class Builder {

    /**
     * One link into an input of a record.
     *
     * @param selector the link's selector, or null
     * @param record index of the parent record (as given to {@link #add})
     */
    record Input(Digest selector, int record) {}

    private record Rec(Digest digest, List<List<Input>> inputs, List<CacheRecord> results) {}

    private final List<Rec> records = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a record and returns its index.
     *
     * @param digest the record digest ({@code rootKey(D, out)})
     * @param inputs per input index the non-empty list of links; empty for a root
     * @param results the record's results (descriptor chains, base first, with their times)
     */
    int add(Digest digest, List<List<Input>> inputs, List<CacheRecord> results) {
      Objects.requireNonNull(digest, "digest");
      List<List<Input>> copy = new ArrayList<>();
      for (List<Input> in : inputs) {
        if (in.isEmpty()) {
          throw new IllegalArgumentException("record " + digest + " has an empty input group");
        }
        copy.add(List.copyOf(in));
      }
      records.add(new Rec(digest, List.copyOf(copy), List.copyOf(results)));
      return records.size() - 1;
    }

    /**
     * The graph.
     *
     * @throws IllegalArgumentException if a link is out of range or the records form a loop
     */
    KeyGraph build() {
      int n = records.size();
      int[] pending = new int[n];
      List<List<Integer>> children = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        children.add(new ArrayList<>());
      }
      for (int i = 0; i < n; i++) {
        Set<Integer> parents = new HashSet<>();
        for (List<Input> group : records.get(i).inputs()) {
          for (Input in : group) {
            if (in.record() < 0 || in.record() >= n) {
              throw new IllegalArgumentException(
                  "record " + i + " links to record " + in.record() + " of " + n);
            }
            parents.add(in.record());
          }
        }
        pending[i] = parents.size();
        for (int p : parents) {
          children.get(p).add(i);
        }
      }
      KeyGraph g = new KeyGraph(null);
      String[] ids = new String[n];
      Deque<Integer> ready = new ArrayDeque<>();
      for (int i = 0; i < n; i++) {
        if (pending[i] == 0) {
          ready.add(i);
        }
      }
      int done = 0;
      while (!ready.isEmpty()) {
        int i = ready.poll();
        done++;
        ids[i] = g.addImported(records.get(i), ids);
        for (int c : children.get(i)) {
          if (--pending[c] == 0) {
            ready.add(c);
          }
        }
      }
      if (done != n) {
        throw new IllegalArgumentException("the cache records form a loop");
      }
      return g;
    }
  }

  private String addImported(Builder.Rec r, String[] ids) {
    String digest = r.digest().toString();
    String id;
    if (r.inputs().isEmpty()) {
      id = digest;
      knownRoots.add(id);
      exportableRoots.add(id);
    } else {
      List<Set<String>> parents = new ArrayList<>();
      for (List<Builder.Input> group : r.inputs()) {
        Set<String> ps = new HashSet<>();
        for (Builder.Input in : group) {
          ps.add(ids[in.record()] + '|' + (in.selector() == null ? "" : in.selector()));
        }
        parents.add(ps);
      }
      id = id(digest, parents);
      for (int i = 0; i < r.inputs().size(); i++) {
        for (Builder.Input in : r.inputs().get(i)) {
          String parent = ids[in.record()];
          boolean root = knownRoots.contains(parent);
          Link l =
              new Link(parent, i, digest, in.selector() == null ? "" : in.selector().toString());
          applyLink(l, id, root, root);
        }
      }
    }
    if (!r.results().isEmpty()) {
      List<CacheRecord> rs = results.computeIfAbsent(id, x -> new ArrayList<>());
      rs.addAll(r.results());
      rs.sort(Comparator.comparing(CacheRecord::createdAt).reversed());
    }
    return id;
  }
}
