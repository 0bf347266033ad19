package dev.kiln.solver.scheduler;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.graph.Edge;
import dev.kiln.solver.cache.CacheManager;
import dev.kiln.solver.cache.CacheMatch;
import dev.kiln.solver.cache.CacheRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keys of a vertex's outputs through the {@link KeyFunction}, and their lookup in the solve's cache
 * view. Stateless apart from those two; callers hold the run's lock while reading nodes.
 */
final class VertexKeys {

  private final KeyFunction keyFunction;
  private final CacheManager cache;

  VertexKeys(KeyFunction keyFunction, CacheManager cache) {
    this.keyFunction = keyFunction;
    this.cache = cache;
  }

  /**
   * Outcome of looking up every output's alternatives.
   *
   * @param best per output, the first alternative's result found, or null
   * @param allFound whether every output's key is known (maybe without a result)
   * @param roots per output, per alternative: root links of the matched records
   */
  record Lookup(
      List<CacheRecord> best, boolean allFound, List<List<List<CacheMatch.RootLink>>> roots) {

    /** Every output has a result. */
    boolean hit() {
      return !best.contains(null);
    }
  }

  /** No root links, shaped like {@code keys} (per output, per alternative). */
  static List<List<List<CacheMatch.RootLink>>> noRootLinks(List<List<CacheKey>> keys) {
    List<List<List<CacheMatch.RootLink>>> out = new ArrayList<>();
    for (List<CacheKey> alts : keys) {
      List<List<CacheMatch.RootLink>> perAlt = new ArrayList<>();
      alts.forEach(a -> perAlt.add(List.of()));
      out.add(perAlt);
    }
    return out;
  }

  /** Keys of every output; {@code content} adds a content key as an alternative for some inputs. */
  List<List<CacheKey>> keys(SolveNode n, Map<Integer, CacheKey> content) {
    List<List<CacheKey>> perOutput = new ArrayList<>();
    List<Edge> edges = n.vertex.inputs();
    for (int o = 0; o < n.vertex.op().outputCount(); o++) {
      List<CacheKey> alternatives = new ArrayList<>();
      for (CacheMap map : n.maps) {
        List<List<CacheKey>> inputKeys = new ArrayList<>();
        for (int i = 0; i < edges.size(); i++) {
          inputKeys.add(n.inputs.get(i).keys.get(edges.get(i).output()));
        }
        alternatives.add(keyFunction.key(map, o, inputKeys).withContent(content));
      }
      perOutput.add(alternatives);
    }
    return perOutput;
  }

  /** Per output: the first alternative with a result, whether every output's key is known. */
  Lookup lookup(List<List<CacheKey>> keys) throws IOException {
    List<CacheRecord> best = new ArrayList<>();
    List<List<List<CacheMatch.RootLink>>> roots = new ArrayList<>();
    boolean allFound = true;
    for (List<CacheKey> alternatives : keys) {
      CacheRecord hit = null;
      boolean found = false;
      List<List<CacheMatch.RootLink>> perAlt = new ArrayList<>();
      for (CacheKey k : alternatives) {
        CacheMatch m = cache.lookup(k);
        found |= m.keyFound();
        perAlt.add(m.rootLinks());
        if (hit == null) {
          hit = m.best();
        }
      }
      best.add(hit);
      roots.add(perAlt);
      allFound &= found;
    }
    return new Lookup(best, allFound, roots);
  }
}
