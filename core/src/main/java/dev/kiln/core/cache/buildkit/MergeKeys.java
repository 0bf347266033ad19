package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.Digests;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cache map BuildKit computes for a merge op ({@code solver/llbsolver/ops/merge.go}). Neither
 * selectors nor content keys; every merge of the same number of inputs has the same D. Pure.
 */
final class MergeKeys {

  static final String TYPE = "buildkit.merge.v0";

  private MergeKeys() {}

  /**
   * The cache map, or empty when fewer than two inputs are not scratch: {@code llb.Merge} drops
   * scratch inputs and emits no merge op for fewer than two.
   */
  static Optional<CacheMap> of(Vertex vertex, Formulas f) {
    List<GoJsonObject> inputs = new ArrayList<>();
    List<CacheMap.Input> keyInputs = new ArrayList<>();
    for (int i = 0; i < vertex.inputs().size(); i++) {
      if (vertex.inputs().get(i).vertex().op() instanceof ScratchOp) {
        continue;
      }
      GoJsonObject in = f.json();
      int index = inputs.size();
      if (f.protoOmitEmpty()) {
        in.num("input", index);
      } else {
        in.numAlways("input", index);
      }
      inputs.add(in);
      keyInputs.add(CacheMap.Input.plain(i));
    }
    if (inputs.size() < 2) {
      return Optional.empty();
    }
    String json =
        f.json().strAlways("Type", TYPE).obj("Merge", f.json().objects("inputs", inputs)).json();
    // v0.11 uses the JSON text itself as the digest (digest.Digest(dt)), later versions hash it.
    String d = f.hashedMerge() ? Digests.sha256(json).toString() : json;
    return Optional.of(new CacheMap(d, false, keyInputs));
  }
}
