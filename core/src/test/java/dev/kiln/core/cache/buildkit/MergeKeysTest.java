package dev.kiln.core.cache.buildkit;

import static dev.kiln.core.cache.buildkit.Recipe.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.Digests;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Merge cache maps against buildkit-keys-v0.11.md §3.5. */
class MergeKeysTest {

  private static final String JSON =
      "{\"Type\":\"buildkit.merge.v0\",\"Merge\":{\"inputs\":[{\"input\":0},{\"input\":1}]}}";

  private static Vertex merge(State... states) {
    return State.merge(List.of(states)).output().vertex();
  }

  @Test
  void twoInputs_v011RawJsonDigest_matchesRecipe() {
    State copied = State.scratch().file(FileStep.mkdir("/x", 0755));
    Vertex v = merge(Recipe.base(), copied);

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(m.digest()).isEqualTo(JSON);
    assertThat(CacheKey.rootKey(m.digest(), 0).toString())
        .isEqualTo("sha256:9db38c9fbc7fc1e9aabb09ff25344af3938ab8089c05ba20304d2f212694bf4c");
    assertThat(m.inputs()).containsExactly(CacheMap.Input.plain(0), CacheMap.Input.plain(1));
  }

  @Test
  void twoInputs_v032HashedWithOmittedZero() {
    Vertex v = merge(Recipe.base(), State.scratch().file(FileStep.mkdir("/x", 0755)));

    assertThat(map(BuildkitKeys.V0_32, v).digest())
        .isEqualTo(
            Digests.sha256(
                    "{\"Type\":\"buildkit.merge.v0\",\"Merge\":{\"inputs\":[{},{\"input\":1}]}}")
                .toString());
  }

  @Test
  void scratchInput_dropped_andRenumbered() {
    State a = Recipe.base();
    State b = State.scratch().file(FileStep.mkdir("/x", 0755));
    Vertex v = merge(a, State.scratch(), b);

    CacheMap m = map(BuildkitKeys.V0_11, v);

    assertThat(m.digest()).isEqualTo(JSON);
    assertThat(m.inputs()).extracting(CacheMap.Input::edge).containsExactly(0, 2);
  }

  @Test
  void oneInputLeft_keepsKilnKey() {
    Vertex v = merge(State.scratch(), Recipe.base());

    assertThat(map(BuildkitKeys.V0_11, v)).isEqualTo(CacheMaps.of(v));
  }
}
