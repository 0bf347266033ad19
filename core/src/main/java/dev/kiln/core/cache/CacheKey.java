package dev.kiln.core.cache;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cache key for one output of an op, structured as in BuildKit: the op digest, the output index,
 * and per input the set of alternative dependency keys, each with the selector of the link.
 * Dependencies are not hashed into the key; two keys are the same node of the key graph when their
 * {@link #digest()} is reachable from matching parents under the same selectors (§8.1 of
 * cache-format.md).
 *
 * @param opDigest the cache-map digest D as text (from {@link CacheMap#digest()}) or, for a content
 *     key, the content checksum's {@code "sha256:…"}
 * @param output the output index, or -1 for a content key
 * @param deps per input, the non-empty list of alternative dependency links; empty for a root key
 */
public record CacheKey(String opDigest, int output, List<List<Dep>> deps) {

  /** Validates and deep-copies. */
  public CacheKey {
    Objects.requireNonNull(opDigest, "opDigest");
    if (opDigest.isEmpty()) {
      throw new IllegalArgumentException("cache key opDigest must not be empty");
    }
    if (output < -1) {
      throw new IllegalArgumentException("cache key output must be >= -1, got " + output);
    }
    List<List<Dep>> copy = new ArrayList<>();
    for (int i = 0; i < deps.size(); i++) {
      if (deps.get(i).isEmpty()) {
        throw new IllegalArgumentException("cache key input " + i + " has no dependency key");
      }
      copy.add(List.copyOf(deps.get(i)));
    }
    deps = List.copyOf(copy);
  }

  /** A key whose D is {@code opDigest}'s {@code "sha256:…"} text. */
  public CacheKey(Digest opDigest, int output, List<List<Dep>> deps) {
    this(Objects.requireNonNull(opDigest, "opDigest").toString(), output, deps);
  }

  /**
   * One link from a dependency key.
   *
   * @param key the dependency's key
   * @param selector the selector of the link, or null
   */
  public record Dep(CacheKey key, Digest selector) {

    /** Requires a key. */
    public Dep {
      Objects.requireNonNull(key, "dependency key");
    }
  }

  /** A key without inputs (a source op's output). */
  public static CacheKey root(Digest opDigest, int output) {
    return new CacheKey(opDigest, output, List.of());
  }

  /** A key without inputs whose D is the text {@code opDigest} ({@link CacheMap#digest()}). */
  public static CacheKey root(String opDigest, int output) {
    return new CacheKey(opDigest, output, List.of());
  }

  /** The content-based ("slow") key of a content checksum: {@code rootKey(C, -1)}. */
  public static CacheKey content(Digest checksum) {
    return new CacheKey(checksum, -1, List.of());
  }

  /**
   * The definition-based key of output {@code output} of an op with cache map {@code map}, given
   * per vertex input the alternative keys of the output it reads; each map input links the keys of
   * its {@link CacheMap.Input#edge()} under the map's selector.
   *
   * @throws IllegalArgumentException if a map input names a vertex input {@code inputKeys} lacks
   */
  public static CacheKey of(CacheMap map, int output, List<List<CacheKey>> inputKeys) {
    List<List<Dep>> deps = new ArrayList<>();
    for (CacheMap.Input in : map.inputs()) {
      if (in.edge() >= inputKeys.size()) {
        throw new IllegalArgumentException(
            "cache map input reads vertex input "
                + in.edge()
                + " but "
                + inputKeys.size()
                + " input key lists were given");
      }
      List<Dep> alternatives = new ArrayList<>();
      for (CacheKey k : inputKeys.get(in.edge())) {
        alternatives.add(new Dep(k, in.selector()));
      }
      deps.add(alternatives);
    }
    return new CacheKey(map.digest(), output, deps);
  }

  /**
   * This key with content key {@code content.get(i)} added as an alternative dependency of map
   * input {@code i}, linked with an empty selector (cache-format.md §8.1, BuildKit's {@code
   * edge.go}); inputs without one keep their links.
   */
  public CacheKey withContent(Map<Integer, CacheKey> content) {
    if (content.isEmpty()) {
      return this;
    }
    List<List<Dep>> next = new ArrayList<>();
    for (int i = 0; i < deps.size(); i++) {
      List<Dep> alts = new ArrayList<>(deps.get(i));
      CacheKey c = content.get(i);
      if (c != null) {
        alts.add(new Dep(c, null));
      }
      next.add(alts);
    }
    return new CacheKey(opDigest, output, next);
  }

  /**
   * {@code rootKey(D, out) = "sha256:" + hex(sha256(D + "@" + out))} with D as its {@code
   * "sha256:…"} string and out in decimal, exactly as BuildKit's {@code rootKey}.
   */
  public static Digest rootKey(Digest d, int output) {
    return rootKey(d.toString(), output);
  }

  /**
   * {@code rootKey} of a cache-map digest given as text (BuildKit v0.11 merge ops use raw JSON).
   */
  public static Digest rootKey(String d, int output) {
    return Digests.sha256(d + "@" + output);
  }

  /**
   * The key's digest, which is also the {@code digest} of its record in an exported cache config:
   * {@code rootKey(opDigest, output)}, for roots and non-roots alike.
   */
  public Digest digest() {
    return rootKey(opDigest, output);
  }

  /** True when the key has no inputs. */
  public boolean isRoot() {
    return deps.isEmpty();
  }
}
