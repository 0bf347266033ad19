package dev.kiln.solver.scheduler;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheMatch;
import dev.kiln.solver.cache.CacheRecord;
import dev.kiln.solver.cache.CacheResult;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one vertex in a {@link SolveRun}: its keys (and every key list it had), its results,
 * and the flags and counters of the demand machine. Guarded by the run's monitor once phase 1
 * published it; no behaviour of its own beyond reading that state.
 */
final class SolveNode {

  final Vertex vertex;
  final String name;
  final List<SolveNode> inputs = new ArrayList<>();
  List<CacheMap> maps;

  /** {@code keys.get(o)}: the alternative keys of output o (one per map). */
  List<List<CacheKey>> keys;

  /** Every key list this node had, for {@link SolveKeys#find}. */
  final List<List<List<CacheKey>>> keyHistory = new ArrayList<>();

  /** Per output, per alternative: root links of the matched record. */
  List<List<List<CacheMatch.RootLink>>> rootLinks;

  /** Per output: the result, or null until one is known. */
  List<CacheRecord> records;

  /** The last lookup found every output's key (maybe without a result). */
  boolean keyFound;

  /** Whether this vertex or one below it has content inputs; null until computed. */
  Boolean contentUpstream;

  boolean keysFinal;
  boolean keysChanged;
  boolean keyDemanded;
  boolean resultDemanded;
  boolean contentTried;
  boolean running;
  boolean fromCache;
  int resets;
  int pendingKeys;
  int pendingResults;
  Runnable afterInputs;
  final List<SolveNode> keyWaiters = new ArrayList<>();
  final List<SolveNode> resultWaiters = new ArrayList<>();

  SolveNode(Vertex vertex, String name) {
    this.vertex = vertex;
    this.name = name;
  }

  void setKeys(List<List<CacheKey>> k) {
    keys = k;
    keyHistory.add(k);
  }

  CacheResult inputResult(int i) {
    return inputs.get(i).records.get(vertex.inputs().get(i).output()).result();
  }

  List<SolveNode> contentInputs() {
    List<SolveNode> out = new ArrayList<>();
    List<CacheMap.Input> ins = maps.get(0).inputs();
    for (int i = 0; i < ins.size(); i++) {
      if (ins.get(i).content() != null) {
        out.add(inputs.get(ins.get(i).edge()));
      }
    }
    return out;
  }

  /** Whether an input's keys changed since phase 1 (found or run with other keys). */
  boolean inputsChanged() {
    for (SolveNode in : inputs) {
      if (in.keysChanged) {
        return true;
      }
    }
    return false;
  }

  /** Whether a result of this vertex holds {@code blob} in its layer chain. */
  boolean holds(Digest blob) {
    for (CacheRecord r : records) {
      for (Descriptor d : r.result().layers()) {
        if (d.digest().equals(blob)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The key graph of a finished solve ({@code order}: topological), under the run's lock. */
  static SolveKeys solveKeys(List<SolveNode> order, Definition def, Map<Digest, SolveNode> nodes) {
    List<SolveKeys.Entry> entries = new ArrayList<>();
    Map<CacheKey, SolveKeys.KeyRef> byKey = new IdentityHashMap<>();
    Map<SolveNode, List<SolveKeys.Entry>> perNode = new IdentityHashMap<>();
    for (SolveNode n : order) {
      List<SolveKeys.Entry> outs = new ArrayList<>();
      for (int o = 0; o < n.keys.size(); o++) {
        List<SolveKeys.Alternative> alts = new ArrayList<>();
        for (int a = 0; a < n.keys.get(o).size(); a++) {
          alts.add(
              new SolveKeys.Alternative(
                  a,
                  n.keys.get(o).get(a),
                  n.maps.get(a).sessionBound(),
                  n.rootLinks.get(o).get(a)));
        }
        SolveKeys.Entry entry =
            new SolveKeys.Entry(n.vertex, o, alts, n.records == null ? null : n.records.get(o));
        outs.add(entry);
        entries.add(entry);
        for (List<List<CacheKey>> keys : n.keyHistory) {
          for (int a = 0; a < keys.get(o).size(); a++) {
            byKey.put(keys.get(o).get(a), new SolveKeys.KeyRef(entry, alts.get(a)));
          }
        }
      }
      perNode.put(n, outs);
    }
    List<SolveKeys.Entry> outputs = new ArrayList<>();
    for (Edge e : def.outputs()) {
      outputs.add(perNode.get(nodes.get(e.vertex().digest())).get(e.output()));
    }
    return new SolveKeys(entries, outputs, byKey);
  }
}
