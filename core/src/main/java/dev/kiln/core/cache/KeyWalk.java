package dev.kiln.core.cache;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.Digest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Turns cache maps into the keys of a vertex's outputs, as the solver does (BuildKit's {@code
 * edge.go}): for each output and each alternative map, the definition key linking every alternative
 * key of each map input's producer under the map's selector, plus (when known) the content key of
 * that input with an empty selector. Pure; thread-safe.
 */
public final class KeyWalk {

  private KeyWalk() {}

  /** Supplies the cache maps of image and local source vertices (they need outside facts). */
  @FunctionalInterface
  public interface Sources {

    /** The alternative cache maps of source vertex {@code vertex}. */
    List<CacheMap> maps(Vertex vertex);
  }

  /**
   * The keys of every output of {@code vertex}: {@code result.get(o)} are the alternative keys of
   * output {@code o}, one per map.
   *
   * @param maps the vertex's alternative cache maps
   * @param edgeKeys the alternative keys of the output that vertex input (edge) {@code i} reads
   * @param content content keys by map input index (only maps with inputs use them)
   */
  public static List<List<CacheKey>> keys(
      Vertex vertex,
      List<CacheMap> maps,
      IntFunction<List<CacheKey>> edgeKeys,
      Map<Integer, CacheKey> content) {
    List<List<CacheKey>> perVertexInput = new ArrayList<>();
    for (int e = 0; e < vertex.inputs().size(); e++) {
      perVertexInput.add(edgeKeys.apply(e));
    }
    List<List<CacheKey>> perOutput = new ArrayList<>();
    for (int o = 0; o < vertex.op().outputCount(); o++) {
      List<CacheKey> alternatives = new ArrayList<>();
      for (CacheMap map : maps) {
        alternatives.add(CacheKey.of(map, o, perVertexInput).withContent(content));
      }
      perOutput.add(alternatives);
    }
    return perOutput;
  }

  /**
   * The definition keys (no content keys) of every vertex of {@code def}, by vertex digest, in one
   * pass over the vertices in topological order.
   */
  public static Map<Digest, List<List<CacheKey>>> definitionKeys(
      Definition def, KeyFormulas keys, Sources sources) {
    Map<Digest, List<List<CacheKey>>> out = new HashMap<>();
    for (Vertex v : def.vertices()) {
      List<CacheMap> maps =
          v.op() instanceof ImageOp || v.op() instanceof LocalOp
              ? sources.maps(v)
              : keys.cacheMaps(v);
      List<Edge> edges = v.inputs();
      out.put(
          v.digest(),
          keys(
              v,
              maps,
              i -> out.get(edges.get(i).vertex().digest()).get(edges.get(i).output()),
              Map.of()));
    }
    return out;
  }
}
