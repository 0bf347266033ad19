package dev.kiln.core.cache.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.time.Instant;
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

  @Test
  void httpSource_formatCacheKey_perVersion() {
    HttpOp op = new HttpOp("http://127.0.0.1:8080/dl/app.tar.gz", "app.tar.gz", null);
    Digest body = Digests.sha256("hello");
    String header = "Wed, 21 Oct 2015 07:28:00 GMT";
    Instant time = Instant.parse("2015-10-21T07:28:00Z");
    // sha256("buildkit.source.v0:" + sha256(
    //
    // {"Filename":"app.tar.gz","Perm":0,"UID":0,"GID":0,"Checksum":"sha256:2cf2…","LastModTime":"Wed, 21 Oct 2015 07:28:00 GMT"}))
    String withTime = "sha256:80c9edd430694225e7c9499aa4d50356b633dcdba0e4192e9d227fe0cfcc1897";
    // the same without LastModTime (a pinned --checksum)
    String pinned = "sha256:ff8442ee14d36cc96e2fc0fece44c5d3f2d21408c4a0be0040a92812223166cb";

    assertThat(BuildkitKeys.V0_11.forHttp(op, body, time, header).digest()).isEqualTo(withTime);
    assertThat(BuildkitKeys.V0_32.forHttp(op, body, time, header).digest()).isEqualTo(withTime);
    assertThat(BuildkitKeys.V0_11.forHttp(op, body, null, null).digest()).isEqualTo(pinned);
    // v0.11 hashes the header as sent; later versions only a time Go's http.ParseTime read
    assertThat(BuildkitKeys.V0_11.forHttp(op, body, null, "yesterday").digest())
        .isNotEqualTo(pinned);
    assertThat(BuildkitKeys.V0_32.forHttp(op, body, null, "yesterday").digest()).isEqualTo(pinned);
    assertThat(BuildkitKeys.V0_32.forHttp(op, body, time, header).sessionBound()).isFalse();
  }
}
