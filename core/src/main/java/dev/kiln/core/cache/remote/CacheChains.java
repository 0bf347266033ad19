package dev.kiln.core.cache.remote;

import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The exporter-side cache graph (BuildKit's {@code v1.CacheChains}): a walker over the solve adds
 * one {@link Item} per key, links each to the items of its inputs, attaches results as layer
 * chains, and {@link #marshal()} produces the normalised config and the manifest's layer
 * descriptors (cache-format.md §2.3).
 *
 * <p>Normalisation, as BuildKit: items whose inputs lack an exported dependency are dropped (with
 * what depends on them only through them); items with equal digest are merged when, for every
 * input, they share at least one (selector, dependency) link (roots with equal digest always); each
 * record keeps one result, the newest; result chains become a layer trie (an identical prefix is
 * stored once); {@code layers} are sorted by blob digest (ties: by the parent's pre-sort index),
 * {@code records} by digest, input count, group sizes, then selector and linked digest element by
 * element; links are remapped and each input group is sorted by link index. Ties that BuildKit
 * leaves to an unstable sort are broken here by a structural hash, so that marshalling the same
 * graph twice gives the same bytes whatever order the walker added it in.
 *
 * <p>Record digests are taken as given: the caller adds only exportable keys (never a session-bound
 * one, cache-format.md §8.2). Not thread-safe: one walker fills an instance, then marshals it.
 */
public final class CacheChains {

  private final List<Item> items = new ArrayList<>();

  /** Adds a record for key {@code digest} whose input count is that of its highest link. */
  public Item add(Digest digest) {
    return add(digest, -1);
  }

  /**
   * Adds a record for key {@code digest} with {@code inputs} inputs; it is exported only if every
   * input gets a link from an exported item.
   *
   * @param inputs the number of inputs, or -1 to take the highest linked input index + 1
   */
  public Item add(Digest digest, int inputs) {
    Objects.requireNonNull(digest, "digest");
    if (inputs < -1) {
      throw new IllegalArgumentException("input count " + inputs + " < -1");
    }
    Item item = new Item(digest, inputs);
    items.add(item);
    return item;
  }

  /** The number of items added. */
  public int size() {
    return items.size();
  }

  /**
   * Normalises and orders the graph.
   *
   * @throws IllegalStateException if the links form a loop
   */
  public MarshalledCache marshal() {
    return new ChainsMarshaller(items).marshal();
  }

  /** One key of the graph being exported. */
  public final class Item {
    final Digest digest;
    final int declaredInputs;
    final List<Link> links = new ArrayList<>();
    final List<PendingResult> results = new ArrayList<>();

    private Item(Digest digest, int declaredInputs) {
      this.digest = digest;
      this.declaredInputs = declaredInputs;
    }

    /** The key digest of this record. */
    public Digest digest() {
      return digest;
    }

    /**
     * Records that {@code parent} can serve as input {@code input} of this item through {@code
     * selector}.
     *
     * @param selector the link's selector, or null
     * @return this item
     */
    public Item linkFrom(Item parent, int input, Digest selector) {
      Objects.requireNonNull(parent, "parent");
      if (parent.owner() != CacheChains.this) {
        throw new IllegalArgumentException("parent item belongs to another CacheChains");
      }
      if (input < 0 || (declaredInputs >= 0 && input >= declaredInputs)) {
        throw new IllegalArgumentException(
            "input " + input + " out of range for " + digest + " with " + declaredInputs);
      }
      links.add(new Link(input, selector, parent));
      return this;
    }

    /**
     * Attaches a result: the layer chain (bottom first) that reproduces this key's output, created
     * at {@code createdAt}. An empty chain is ignored (nothing to reconstruct from). Of several
     * results the newest is exported.
     */
    public Item addResult(List<ExportLayer> chain, Instant createdAt) {
      Objects.requireNonNull(createdAt, "createdAt");
      if (!chain.isEmpty()) {
        results.add(new PendingResult(List.copyOf(chain), createdAt.atOffset(ZoneOffset.UTC)));
      }
      return this;
    }

    int inputCount() {
      if (declaredInputs >= 0) {
        return declaredInputs;
      }
      int max = -1;
      for (Link l : links) {
        max = Math.max(max, l.input);
      }
      return max + 1;
    }

    private CacheChains owner() {
      return CacheChains.this;
    }
  }

  record Link(int input, Digest selector, Item parent) {}

  record PendingResult(List<ExportLayer> chain, java.time.OffsetDateTime createdAt) {}

  /** Items in an order where every item comes after the items it links from. */
  static List<Item> topologicalOrder(List<Item> items) {
    Map<Item, Integer> state = new IdentityHashMap<>(); // 1 = in progress, 2 = done
    List<Item> order = new ArrayList<>(items.size());
    Deque<Object[]> stack = new ArrayDeque<>();
    for (Item start : items) {
      if (state.containsKey(start)) {
        continue;
      }
      state.put(start, 1);
      stack.push(new Object[] {start, 0});
      while (!stack.isEmpty()) {
        Object[] top = stack.peek();
        Item item = (Item) top[0];
        int next = (Integer) top[1];
        if (next >= item.links.size()) {
          state.put(item, 2);
          order.add(item);
          stack.pop();
          continue;
        }
        top[1] = next + 1;
        Item parent = item.links.get(next).parent;
        Integer s = state.get(parent);
        if (s == null) {
          state.put(parent, 1);
          stack.push(new Object[] {parent, 0});
        } else if (s == 1) {
          throw new IllegalStateException("cache chains loop through record " + parent.digest);
        }
      }
    }
    return order;
  }

  /** The descriptor of {@code layer} as a cache manifest lists it. */
  static Descriptor describe(ExportLayer layer, java.time.OffsetDateTime createdAt) {
    Descriptor blob = layer.blob();
    Map<String, String> annotations = new java.util.TreeMap<>();
    blob.annotations()
        .forEach(
            (k, v) -> {
              if (k.startsWith(CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX)
                  || k.equals(CacheAnnotations.REWRITTEN_TIMESTAMP)) {
                annotations.put(k, v);
              }
            });
    String created = blob.annotation(CacheAnnotations.CREATED_AT);
    annotations.put(
        CacheAnnotations.CREATED_AT,
        created != null ? created : dev.kiln.core.cache.internal.GoJson.formatTime(createdAt));
    annotations.put(CacheAnnotations.UNCOMPRESSED, layer.diffId().toString());
    if (layer.origin() != null) {
      int slash = layer.origin().indexOf('/');
      if (slash > 0) {
        String key =
            CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX + layer.origin().substring(0, slash);
        String repo = layer.origin().substring(slash + 1);
        String existing = annotations.get(key);
        if (existing == null) {
          annotations.put(key, repo);
        } else if (!List.of(existing.split(",")).contains(repo)) {
          annotations.put(key, existing + "," + repo);
        }
      }
    }
    return new Descriptor(
        blob.mediaType(), blob.digest(), blob.size(), blob.urls(), annotations, null, null, null);
  }
}
