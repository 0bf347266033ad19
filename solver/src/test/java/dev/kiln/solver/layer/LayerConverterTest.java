package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.MediaTypes.Compression;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-compressing stored layers: diff IDs kept, deterministic bytes, corrupt input refused. */
class LayerConverterTest {

  @TempDir Path tmp;
  private final InMemoryContentStore store = new InMemoryContentStore();
  private LayerConverter converter;
  private ExportLayer gzip;

  @BeforeEach
  void writeLayer() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/dir"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(src.resolve("f" + i + ".txt"), ("line " + i + "\n").repeat(200));
    }
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults())
            .write(DirectoryWalker.of(tmp.resolve("src")), tmp.resolve("blobs"));
    try (InputStream in = Files.newInputStream(blob.path())) {
      store.write(in, blob.digest());
    }
    gzip =
        ExportLayer.of(
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()), blob.diffId());
    converter = new LayerConverter(tmp.resolve("convert"));
  }

  private Digest uncompressedDigest(ExportLayer layer) throws Exception {
    try (InputStream raw = store.open(layer.blob().digest());
        InputStream in =
            switch (MediaTypes.layerCompression(layer.blob().mediaType())) {
              case GZIP -> new java.util.zip.GZIPInputStream(raw);
              case ZSTD -> new ZstdInputStream(raw);
              case UNCOMPRESSED -> raw;
            }) {
      Digests.CountingDigestInputStream d =
          new Digests.CountingDigestInputStream(in, Digest.SHA256);
      d.transferTo(java.io.OutputStream.nullOutputStream());
      return d.digest();
    }
  }

  @Test
  void gzipToZstdAndBack_keepsDiffIdAndGivesTheOriginalBytes() throws Exception {
    ExportLayer zstd = converter.compress(gzip, Compression.ZSTD, null, store);
    ExportLayer back = converter.compress(zstd, Compression.GZIP, null, store);

    assertThat(zstd.blob().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
    assertThat(zstd.blob().digest()).isNotEqualTo(gzip.blob().digest());
    assertThat(zstd.diffId()).isEqualTo(gzip.diffId());
    assertThat(uncompressedDigest(zstd)).isEqualTo(gzip.diffId());
    assertThat(store.size(zstd.blob().digest())).isEqualTo(zstd.blob().size());
    assertThat(back.blob().digest()).isEqualTo(gzip.blob().digest());
    assertThat(tmp.resolve("convert")).isEmptyDirectory();
  }

  @Test
  void compressAll_severalLayers_sameResultsInOrderAsOneByOne() throws Exception {
    ExportLayer zstd = converter.compress(gzip, Compression.ZSTD, 19, store);
    ExportLayer plain = converter.compress(gzip, Compression.UNCOMPRESSED, null, store);
    List<ExportLayer> in = List.of(gzip, zstd, plain, gzip);

    List<ExportLayer> all;
    try (CompressionPool pool = new CompressionPool(2)) {
      all =
          new LayerConverter(tmp.resolve("convert"), pool)
              .compressAll(in, Compression.ZSTD, 3, store);
    }

    assertThat(all).hasSize(4);
    for (int i = 0; i < in.size(); i++) {
      ExportLayer one = converter.compress(in.get(i), Compression.ZSTD, 3, store);
      assertThat(all.get(i)).isEqualTo(one);
      assertThat(uncompressedDigest(all.get(i))).isEqualTo(gzip.diffId());
    }
    assertThat(tmp.resolve("convert")).isEmptyDirectory();
  }

  @Test
  void compressAll_oneCorrupt_failsNamingIt() {
    ExportLayer lying = ExportLayer.of(gzip.blob(), Digests.sha256("something else"));

    assertThatThrownBy(
            () -> converter.compressAll(List.of(gzip, lying), Compression.ZSTD, null, store))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("not its diff ID");
  }

  @Test
  void uncompressed_blobDigestIsTheDiffId() throws Exception {
    ExportLayer plain = converter.compress(gzip, Compression.UNCOMPRESSED, null, store);
    assertThat(plain.blob().digest()).isEqualTo(gzip.diffId());
    assertThat(plain.blob().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_TAR);
  }

  @Test
  void level_isHonouredAndDeterministic() throws Exception {
    ExportLayer fast = converter.compress(gzip, Compression.GZIP, 1, store);
    ExportLayer best = converter.compress(gzip, Compression.GZIP, 9, store);
    ExportLayer bestAgain = converter.compress(gzip, Compression.GZIP, 9, store);
    assertThat(fast.blob().digest()).isNotEqualTo(best.blob().digest());
    assertThat(best.blob().digest()).isEqualTo(bestAgain.blob().digest());
    assertThat(uncompressedDigest(fast)).isEqualTo(gzip.diffId());
  }

  @Test
  void sameCompressionWithoutLevel_returnsTheLayer() throws Exception {
    assertThat(converter.compress(gzip, Compression.GZIP, null, store)).isSameAs(gzip);
  }

  @Test
  void dockerFlavour_staysDocker() throws Exception {
    ExportLayer docker =
        ExportLayer.of(gzip.blob().withMediaType(MediaTypes.DOCKER_LAYER_GZIP), gzip.diffId());
    assertThat(converter.compress(docker, Compression.UNCOMPRESSED, null, store).blob().mediaType())
        .isEqualTo(MediaTypes.DOCKER_LAYER_TAR);
  }

  @Test
  void wrongDiffId_failsNamingTheBlobAndStoresNothing() throws Exception {
    ExportLayer lying = ExportLayer.of(gzip.blob(), Digests.sha256("something else"));
    assertThatThrownBy(() -> converter.compress(lying, Compression.ZSTD, null, store))
        .hasMessageContaining(gzip.blob().digest().toString())
        .hasMessageContaining("not its diff ID");
    assertThat(tmp.resolve("convert")).isEmptyDirectory();
  }

  @Test
  void missingBlob_fails() {
    ExportLayer missing =
        ExportLayer.of(
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256("nope"), 4), gzip.diffId());
    assertThatThrownBy(() -> converter.compress(missing, Compression.ZSTD, null, store))
        .hasMessageContaining("re-compressing layer");
  }
}
