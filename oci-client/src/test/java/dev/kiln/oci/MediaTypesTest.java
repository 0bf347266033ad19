package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.MediaTypes.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaTypesTest {

  @ParameterizedTest
  @CsvSource({
    "application/vnd.oci.image.layer.v1.tar, UNCOMPRESSED",
    "application/vnd.oci.image.layer.v1.tar+gzip, GZIP",
    "application/vnd.oci.image.layer.v1.tar+zstd, ZSTD",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip, GZIP",
    "application/vnd.docker.image.rootfs.diff.tar.gzip, GZIP",
    "application/vnd.docker.image.rootfs.diff.tar, UNCOMPRESSED",
    "application/vnd.docker.image.rootfs.diff.tar.zstd, ZSTD",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip, GZIP"
  })
  void layerCompression_layerTypes(String type, Compression expected) {
    assertThat(MediaTypes.isLayer(type)).isTrue();
    assertThat(MediaTypes.layerCompression(type)).isEqualTo(expected);
  }

  @Test
  void layerCompression_notALayer_throws() {
    assertThatThrownBy(() -> MediaTypes.layerCompression(MediaTypes.OCI_CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(MediaTypes.OCI_CONFIG);
  }

  @Test
  void layerType_roundTripsWithCompression() {
    for (Compression c : Compression.values()) {
      for (boolean oci : new boolean[] {true, false}) {
        String type = MediaTypes.layerType(c, oci);
        assertThat(MediaTypes.layerCompression(type)).isEqualTo(c);
        assertThat(MediaTypes.isDocker(type)).isEqualTo(!oci);
      }
    }
  }

  @Test
  void classification_manifestsIndexesConfigs() {
    assertThat(MediaTypes.isIndex(MediaTypes.OCI_INDEX)).isTrue();
    assertThat(MediaTypes.isIndex(MediaTypes.DOCKER_MANIFEST_LIST)).isTrue();
    assertThat(MediaTypes.isIndex(MediaTypes.OCI_MANIFEST)).isFalse();
    assertThat(MediaTypes.isImageManifest(MediaTypes.DOCKER_MANIFEST)).isTrue();
    assertThat(MediaTypes.isImageManifest(MediaTypes.DOCKER_MANIFEST_V1)).isFalse();
    assertThat(MediaTypes.isManifest(MediaTypes.DOCKER_MANIFEST_V1_SIGNED)).isTrue();
    assertThat(MediaTypes.isManifest(MediaTypes.OCI_CONFIG)).isFalse();
    assertThat(MediaTypes.isImageConfig(MediaTypes.DOCKER_CONFIG)).isTrue();
    assertThat(MediaTypes.isImageConfig(MediaTypes.BUILDKIT_CACHE_CONFIG)).isFalse();
    assertThat(MediaTypes.isLayer(MediaTypes.BUILDKIT_CACHE_CONFIG)).isFalse();
    assertThat(MediaTypes.isLayer(null)).isFalse();
    assertThat(MediaTypes.isNonDistributable(MediaTypes.OCI_LAYER_NONDIST_ZSTD)).isTrue();
    assertThat(MediaTypes.isNonDistributable(MediaTypes.DOCKER_LAYER_FOREIGN_GZIP)).isTrue();
    assertThat(MediaTypes.isNonDistributable(MediaTypes.OCI_LAYER_GZIP)).isFalse();
    assertThat(MediaTypes.ALL_MANIFESTS).hasSize(6).doesNotHaveDuplicates();
  }
}
