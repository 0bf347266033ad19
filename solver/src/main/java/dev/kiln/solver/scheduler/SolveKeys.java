package dev.kiln.solver.scheduler;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.graph.Vertex;
import dev.kiln.solver.cache.CacheMatch;
import dev.kiln.solver.cache.CacheRecord;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The key graph of one solve, for a cache exporter: every output of every vertex that took part,
 * with its final cache keys, its result (when the solve had one: run, or found in a cache) and the
 * root links its cached record was matched through. A dependency key inside a {@link CacheKey} may
 * be an earlier key object of the same output (computed before content keys were known); {@link
 * #entry} maps every key object the solve used to its output's entry, so an exporter walks final
 * keys only. Immutable.
 */
public final class SolveKeys {

  private final List<Entry> entries;
  private final List<Entry> outputs;
  private final Map<CacheKey, KeyRef> byKey;

  SolveKeys(List<Entry> entries, List<Entry> outputs, Map<CacheKey, KeyRef> byKey) {
    this.entries = List.copyOf(entries);
    this.outputs = List.copyOf(outputs);
    this.byKey = new IdentityHashMap<>(byKey);
  }

  /** Every output of every vertex that took part, in topological order (inputs first). */
  public List<Entry> entries() {
    return entries;
  }

  /** The entry of each requested output, in the definition's output order. */
  public List<Entry> outputs() {
    return outputs;
  }

  /**
   * The output and alternative that {@code key} (a key object of this solve, compared by identity,
   * possibly an earlier one) stands for, or null for a key object the solve did not create.
   */
  public KeyRef find(CacheKey key) {
    return byKey.get(key);
  }

  /**
   * Where a key object belongs.
   *
   * @param entry the output
   * @param alternative its alternative, whose {@code key} is the final one
   */
  public record KeyRef(Entry entry, Alternative alternative) {}

  /**
   * One output of a vertex.
   *
   * @param vertex the vertex
   * @param output the output index
   * @param alternatives its alternative keys (one per cache map; an image source has two)
   * @param record its result with the time the cache holds for it, or null when the solve did not
   *     need it (a step under a cached one) or the cache only knew its key
   */
  public record Entry(
      Vertex vertex, int output, List<Alternative> alternatives, CacheRecord record) {

    /** Copies the alternatives. */
    public Entry {
      Objects.requireNonNull(vertex, "vertex");
      alternatives = List.copyOf(alternatives);
    }
  }

  /**
   * One alternative key of an output.
   *
   * @param index the position among the output's alternatives
   * @param key the final key
   * @param sessionBound whether the key is only meaningful in this session (a build context): an
   *     exporter drops it, and a record whose input is reachable only through such keys
   * @param rootLinks root links of the cached record the key matched (e.g. the content key a copy
   *     was matched through on another build), beside the key's own dependencies
   */
  public record Alternative(
      int index, CacheKey key, boolean sessionBound, List<CacheMatch.RootLink> rootLinks) {

    /** Copies the links. */
    public Alternative {
      Objects.requireNonNull(key, "key");
      rootLinks = List.copyOf(rootLinks);
    }
  }
}
