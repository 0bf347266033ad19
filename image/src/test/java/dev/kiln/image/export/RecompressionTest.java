package dev.kiln.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.core.port.LayerCompressor;
import dev.kiln.image.RegistryClients;
import dev.kiln.image.TestImages;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.layout.OciLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compression attributes of image outputs, with a recording fake compressor. */
class RecompressionTest {

  @TempDir Path tmp;

  private final InMemoryContentStore store = new InMemoryContentStore();
  private final List<String> calls = new ArrayList<>();

  /** Pretends to convert: stores made-up bytes under a descriptor of the target type. */
  private final LayerCompressor fake =
      (layer, target, level, content) -> {
        calls.add(layer.blob().digest().hex().substring(0, 6) + "→" + target + "@" + level);
        String mt = MediaTypes.layerType(target, !MediaTypes.isDocker(layer.blob().mediaType()));
        byte[] bytes = ("converted " + layer.blob().digest() + " " + target).getBytes();
        Digests.Sized stored = content.write(new java.io.ByteArrayInputStream(bytes), null);
        return new ExportLayer(
            Descriptor.of(mt, stored.digest(), stored.size()), layer.diffId(), null);
      };

  private ExportableImage image() throws Exception {
    ExportableImage built =
        TestImages.image(
            store,
            List.of("A=1"),
            TestImages.layer(Map.of("base.txt", "base")),
            TestImages.layer(Map.of("new.txt", "new")));
    ExportLayer base = built.layers().get(0);
    return new ExportableImage(
        built.config(),
        List.of(
            new ExportLayer(base.blob(), base.diffId(), "registry.test/lib/base"),
            built.layers().get(1)),
        Map.of(),
        null);
  }

  private ImageExporters exporters() {
    return new ImageExporters(new RegistryClients(h -> Optional.empty(), Set.of()), null, fake);
  }

  @Test
  void zstd_convertsOnlyLayersThisBuildMade() throws Exception {
    Recompression r = new Recompression(MediaTypes.Compression.ZSTD, null, false, fake);
    ExportableImage image = image();

    ExportableImage out = r.apply(image, store);

    assertThat(out.layers().get(0)).isSameAs(image.layers().get(0));
    assertThat(out.layers().get(1).blob().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
    assertThat(calls).hasSize(1);
  }

  @Test
  void forceCompression_convertsBaseLayersToo() throws Exception {
    Recompression r = new Recompression(MediaTypes.Compression.ZSTD, 5, true, fake);
    ExportableImage out = r.apply(image(), store);
    assertThat(out.layers())
        .extracting(l -> l.blob().mediaType())
        .containsOnly(MediaTypes.OCI_LAYER_ZSTD);
    assertThat(calls).allMatch(c -> c.endsWith("ZSTD@5")).hasSize(2);
  }

  @Test
  void sameCompressionWithoutLevel_changesNothing() throws Exception {
    ExportableImage image = image();
    Recompression r = new Recompression(MediaTypes.Compression.GZIP, null, true, fake);
    assertThat(r.apply(image, store)).isSameAs(image);
    assertThat(calls).isEmpty();
  }

  @Test
  void sameCompressionWithLevel_reencodesNewLayers() throws Exception {
    Recompression r = new Recompression(MediaTypes.Compression.GZIP, 9, false, fake);
    r.apply(image(), store);
    assertThat(calls).singleElement().asString().endsWith("GZIP@9");
  }

  @Test
  void dockerMediaTypesWithZstd_useDockersZstdLayerType() throws Exception {
    Path out = tmp.resolve("oci");
    exporters()
        .create(
            ExportSpec.parse(
                "type=oci,tar=false,oci-mediatypes=false,compression=zstd,dest=" + out))
        .export(image(), store);

    OciLayout layout = OciLayout.open(out);
    ImageManifest m = (ImageManifest) layout.readManifest(layout.index().manifests().get(0));
    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(m.layers())
        .extracting(Descriptor::mediaType)
        .containsExactly(MediaTypes.DOCKER_LAYER_GZIP, MediaTypes.DOCKER_LAYER_ZSTD);
  }

  @Test
  void attributes_badValuesAreNamed() {
    ImageExporters e = exporters();
    assertThatThrownBy(() -> e.create(ExportSpec.parse("type=oci,dest=x,compression=lz4")))
        .hasMessageContaining("compression=lz4")
        .hasMessageContaining("uncompressed, gzip, zstd");
    assertThatThrownBy(() -> e.create(ExportSpec.parse("type=oci,dest=x,compression=estargz")))
        .hasMessageContaining("estargz");
    assertThatThrownBy(
            () ->
                e.create(ExportSpec.parse("type=oci,dest=x,compression=gzip,compression-level=12")))
        .hasMessageContaining("0..9");
    assertThatThrownBy(
            () ->
                e.create(ExportSpec.parse("type=oci,dest=x,compression=zstd,compression-level=x")))
        .hasMessageContaining("not a number");
    assertThatThrownBy(
            () ->
                new ImageExporters(new RegistryClients(h -> Optional.empty(), Set.of()), null)
                    .create(ExportSpec.parse("type=oci,dest=x,compression=zstd")))
        .hasMessageContaining("layer compressor");
  }
}
