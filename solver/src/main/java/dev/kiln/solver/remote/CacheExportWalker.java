package dev.kiln.solver.remote;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.internal.GoJson;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheMatch;
import dev.kiln.solver.cache.CacheRecord;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.scheduler.SolveKeys;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a solve's key graph ({@link SolveKeys}) into the {@link CacheChains} a cache exporter
 * marshals (BuildKit's {@code ExportTo} walk, cache-format.md §5).
 *
 * <p>Every key of every vertex that took part becomes a record: roots by digest (image sources and
 * content keys; they never carry layers), non-roots linked from the items of their dependency keys
 * with the link's selector, plus the root links their cached record was matched through (so the
 * content key of a {@code COPY} from the build context is exported even when this build found the
 * step by its definition key). Session-bound keys (the build context's own) are not exported; a
 * record with an input reachable only through them is dropped by {@link CacheChains}, with what
 * depends on it only through it. Results: {@code mode=max} attaches the layer chain of every
 * non-root result; {@code mode=min} only chains that are a prefix of (or equal to) a final output's
 * chain. A result keeps the time the cache holds for it, and each layer that lacks a {@code
 * buildkit/createdat} gets the time of the result it tops, so an unchanged build exports the same
 * bytes. Stateless.
 */
public final class CacheExportWalker {

  private CacheExportWalker() {}

  /** A new {@link CacheChains} holding the solve's keys and results; see {@link #walk}. */
  public static CacheChains chains(SolveKeys keys, CacheExportOptions options, ResultLayers layers)
      throws IOException {
    CacheChains chains = new CacheChains();
    walk(chains, keys, options, layers);
    return chains;
  }

  /**
   * Adds the keys and results of one solve to {@code chains} (several solves, e.g. one per
   * platform, may go into the same chains; equal records merge when marshalled).
   *
   * @throws IOException if the layers of a result cannot be had in the export's compression
   */
  public static void walk(
      CacheChains chains, SolveKeys keys, CacheExportOptions options, ResultLayers layers)
      throws IOException {
    new Walk(chains, keys, options, layers).run();
  }

  private static final class Walk {
    private final CacheChains chains;
    private final SolveKeys keys;
    private final CacheExportOptions options;
    private final ResultLayers layers;
    private final Map<SolveKeys.Alternative, CacheChains.Item> items = new IdentityHashMap<>();
    private final Map<Digest, CacheChains.Item> roots = new HashMap<>();
    private final Map<CacheResult, List<ExportLayer>> converted = new HashMap<>();
    private final Map<String, Instant> layerTimes = new HashMap<>();
    private final List<List<String>> finalChains = new ArrayList<>();
    private final Map<CacheResult, List<String>> identities = new HashMap<>();

    Walk(CacheChains chains, SolveKeys keys, CacheExportOptions options, ResultLayers layers) {
      this.chains = Objects.requireNonNull(chains, "chains");
      this.keys = Objects.requireNonNull(keys, "keys");
      this.options = Objects.requireNonNull(options, "options");
      this.layers = Objects.requireNonNull(layers, "layers");
    }

    void run() throws IOException {
      for (SolveKeys.Entry out : keys.outputs()) {
        if (out.record() != null) {
          finalChains.add(identities(out.record().result()));
        }
      }
      for (SolveKeys.Entry e : keys.entries()) {
        CacheRecord r = e.record();
        List<String> chain = r == null ? List.of() : identities(r.result());
        if (!chain.isEmpty()) {
          layerTimes.merge(
              chain.get(chain.size() - 1), r.createdAt(), (a, b) -> a.isBefore(b) ? a : b);
        }
      }
      // The results whose layers the walk below asks for, made ahead together.
      List<CacheResult> exported = new ArrayList<>();
      Set<CacheResult> seen = new HashSet<>();
      for (SolveKeys.Entry e : keys.entries()) {
        CacheRecord r = e.record();
        if (e.alternatives().stream().anyMatch(a -> !a.sessionBound() && !a.key().isRoot())
            && exportsLayers(r)
            && seen.add(r.result())) {
          exported.add(r.result());
        }
      }
      layers.prepare(exported, options);
      // Entries are in topological order: every dependency's item exists before its dependents.
      for (SolveKeys.Entry e : keys.entries()) {
        for (SolveKeys.Alternative a : e.alternatives()) {
          if (!a.sessionBound()) {
            items.put(a, item(e, a));
          }
        }
      }
    }

    private CacheChains.Item item(SolveKeys.Entry e, SolveKeys.Alternative a) throws IOException {
      CacheKey k = a.key();
      if (k.isRoot()) {
        return root(k.digest());
      }
      CacheChains.Item item = chains.add(k.digest(), k.deps().size());
      Set<LinkKey> linked = new HashSet<>();
      for (int i = 0; i < k.deps().size(); i++) {
        for (CacheKey.Dep dep : k.deps().get(i)) {
          link(item, parent(dep.key()), i, dep.selector(), linked);
        }
      }
      for (CacheMatch.RootLink rl : a.rootLinks()) {
        if (rl.input() < k.deps().size()) {
          link(item, root(rl.parent()), rl.input(), rl.selector(), linked);
        }
      }
      CacheRecord r = e.record();
      if (exportsLayers(r)) {
        item.addResult(exportLayers(r.result()), r.createdAt());
      }
      return item;
    }

    /** A link already made (items compare by identity). */
    private record LinkKey(CacheChains.Item parent, int input, Digest selector) {}

    private static void link(
        CacheChains.Item item,
        CacheChains.Item parent,
        int input,
        Digest selector,
        Set<LinkKey> linked) {
      if (parent != null && linked.add(new LinkKey(parent, input, selector))) {
        item.linkFrom(parent, input, selector);
      }
    }

    /** The item of a dependency key: its output's final key, or a content key by digest. */
    private CacheChains.Item parent(CacheKey dep) {
      SolveKeys.KeyRef ref = keys.find(dep);
      if (ref != null) {
        return items.get(ref.alternative());
      }
      return dep.isRoot() ? root(dep.digest()) : null;
    }

    private CacheChains.Item root(Digest digest) {
      return roots.computeIfAbsent(digest, d -> chains.add(d, 0));
    }

    /** Whether the record's result goes into the chains with its layers (under the mode). */
    private boolean exportsLayers(CacheRecord r) throws IOException {
      return r != null && !identities(r.result()).isEmpty() && wanted(r.result());
    }

    private boolean wanted(CacheResult result) throws IOException {
      if (options.mode() == CacheExportMode.MAX) {
        return true;
      }
      List<String> chain = identities(result);
      for (List<String> f : finalChains) {
        if (f.size() >= chain.size() && f.subList(0, chain.size()).equals(chain)) {
          return true;
        }
      }
      return false;
    }

    private List<ExportLayer> exportLayers(CacheResult result) throws IOException {
      List<ExportLayer> done = converted.get(result);
      if (done != null) {
        return done;
      }
      List<ExportLayer> out = new ArrayList<>();
      List<ExportLayer> made = layers.layers(result, options);
      List<String> ids = identities(result);
      for (int i = 0; i < made.size(); i++) {
        ExportLayer l = made.get(i);
        Instant t = i < ids.size() ? layerTimes.get(ids.get(i)) : null;
        if (t != null && l.blob().annotation(CacheAnnotations.CREATED_AT) == null) {
          String at = GoJson.formatTime(t.atOffset(ZoneOffset.UTC));
          l =
              new ExportLayer(
                  l.blob().withAnnotation(CacheAnnotations.CREATED_AT, at), l.diffId(), l.origin());
        }
        out.add(l);
      }
      converted.put(result, out);
      return out;
    }

    /** The layer identities of {@code r}, asked once per result. */
    private List<String> identities(CacheResult r) throws IOException {
      List<String> ids = identities.get(r);
      if (ids == null) {
        ids = layers.identities(r);
        identities.put(r, ids);
      }
      return ids;
    }
  }
}
