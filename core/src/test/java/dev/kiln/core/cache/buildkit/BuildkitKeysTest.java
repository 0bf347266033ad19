package dev.kiln.core.cache.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Image roots (§3.1), versions and fall-backs. */
class BuildkitKeysTest {

  private static List<String> roots(BuildkitKeys keys, dev.kiln.core.port.ResolvedImage image) {
    Vertex v = State.image(Recipe.BASE_REF, Recipe.AMD64).output().vertex();
    return keys.forImage((ImageOp) v.op(), image).stream()
        .map(CacheMap::digest)
        .map(d -> CacheKey.rootKey(d, 0).toString())
        .toList();
  }

  @Test
  void imageRoots_vectorsBase_matchRecipe() {
    assertThat(roots(BuildkitKeys.V0_11, Recipe.VECTORS_BASE))
        .containsExactly(
            "sha256:f4f25230ad9e5197425baff01f83c900a14a2cce5fd1e391ae28df778b45c979",
            "sha256:4b057cab1f761dc2f8f9b5e4ff124a99aa42e98306c87f210a1e70478ae24086");
    assertThat(roots(BuildkitKeys.V0_32, Recipe.VECTORS_BASE))
        .isEqualTo(roots(BuildkitKeys.V0_11, Recipe.VECTORS_BASE));
  }

  @Test
  void imageRoots_peerBase_matchInteropReadme() {
    assertThat(roots(BuildkitKeys.V0_11, Recipe.PEER_BASE))
        .containsExactly(
            "sha256:cf2abedb4c4b98bc4b7a521b2adf129ffde8d868b97634ea0c9940238a422865",
            "sha256:e093b66afe18806d413c2d41ad01c10511189902cbc80747b168b0dc6f2bcc8c");
  }

  @Test
  void version_byTag() {
    assertThat(BuildkitKeys.version("buildkit-v0.11")).isSameAs(BuildkitKeys.V0_11);
    assertThat(BuildkitKeys.version("buildkit-v0.32")).isSameAs(BuildkitKeys.V0_32);
    assertThatThrownBy(() -> BuildkitKeys.version("buildkit-v0.9"))
        .hasMessageContaining("buildkit-v0.11");
  }

  @Test
  void scratch_keepsKilnKey() {
    Vertex scratch = State.scratch().output().vertex();

    assertThat(BuildkitKeys.V0_11.cacheMaps(scratch))
        .isEqualTo(dev.kiln.core.cache.CacheMaps.KEYS.cacheMaps(scratch));
  }
}
