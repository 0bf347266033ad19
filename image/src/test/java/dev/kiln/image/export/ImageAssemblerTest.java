package dev.kiln.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageAssemblerTest {

  /** A fixed input: two layers described by digests of fixed strings; no real blobs needed. */
  static ExportableImage fixedImage(Map<String, String> annotations) {
    ExportLayer l1 =
        ExportLayer.of(
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256("layer-1-gzip"), 100),
            Digests.sha256("layer-1-tar"));
    ExportLayer l2 =
        ExportLayer.of(
            Descriptor.of(MediaTypes.DOCKER_LAYER_GZIP, Digests.sha256("layer-2-gzip"), 200),
            Digests.sha256("layer-2-tar"));
    ImageConfig config =
        ImageConfig.of(Platform.of("linux", "amd64"))
            .withConfig(ContainerConfig.empty().withEnv(List.of("PATH=/bin", "A=1")))
            .withHistoryEntry(
                ImageConfig.History.of(
                    "2024-05-01T10:00:00Z", "RUN a", "buildkit.dockerfile.v0", false))
            .withHistoryEntry(
                ImageConfig.History.of(
                    "2024-05-01T10:00:01Z", "RUN b", "buildkit.dockerfile.v0", false))
            .withCreated("2024-05-01T10:00:02Z");
    return new ExportableImage(config, List.of(l1, l2), annotations, null);
  }

  @Test
  void assemble_fixedInputOci_givesGoldenDigestsAndJson() {
    ImageAssembler.Assembled a =
        ImageAssembler.assemble(fixedImage(Map.of()), ExportOptions.defaults(true));
    assertThat(new String(a.config().bytes(), StandardCharsets.UTF_8)).isEqualTo(GOLDEN_CONFIG);
    assertThat(a.config().digest().toString()).isEqualTo(GOLDEN_CONFIG_DIGEST);
    assertThat(new String(a.manifest().bytes(), StandardCharsets.UTF_8)).isEqualTo(GOLDEN_MANIFEST);
    assertThat(a.manifest().digest().toString()).isEqualTo(GOLDEN_MANIFEST_DIGEST);
    assertThat(a.manifest().descriptor().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void assemble_sameInputTwice_sameDigests() {
    ImageAssembler.Assembled a =
        ImageAssembler.assemble(fixedImage(Map.of("k", "v")), ExportOptions.defaults(true));
    ImageAssembler.Assembled b =
        ImageAssembler.assemble(fixedImage(Map.of("k", "v")), ExportOptions.defaults(true));
    assertThat(a.manifest().digest()).isEqualTo(b.manifest().digest());
    assertThat(a.config().digest()).isEqualTo(b.config().digest());
  }

  @Test
  void assemble_dockerTypes_convertsLayerAndConfigAndManifestTypes() {
    ImageAssembler.Assembled a =
        ImageAssembler.assemble(fixedImage(Map.of()), ExportOptions.defaults(false));
    assertThat(a.layers())
        .extracting(Descriptor::mediaType)
        .containsExactly(MediaTypes.DOCKER_LAYER_GZIP, MediaTypes.DOCKER_LAYER_GZIP);
    assertThat(a.config().descriptor().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
    assertThat(a.manifest().descriptor().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(new String(a.manifest().bytes(), StandardCharsets.UTF_8))
        .contains("\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\"");
  }

  @Test
  void assemble_ociTypes_convertsDockerLayerToOci() {
    ImageAssembler.Assembled a =
        ImageAssembler.assemble(fixedImage(Map.of()), ExportOptions.defaults(true));
    assertThat(a.layers())
        .extracting(Descriptor::mediaType)
        .containsExactly(MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER_GZIP);
  }

  @Test
  void assemble_rootfs_isLayerDiffIdsInOrder() throws Exception {
    ImageConfig withStaleRootfs =
        fixedImage(Map.of())
            .config()
            .withRootFs(ImageConfig.RootFs.of(List.of(Digests.sha256("x"))));
    ExportableImage image =
        new ExportableImage(withStaleRootfs, fixedImage(Map.of()).layers(), Map.of(), null);
    ImageAssembler.Assembled a = ImageAssembler.assemble(image, ExportOptions.defaults(true));
    ImageConfig written = dev.kiln.oci.OciJson.parse(a.config().bytes(), ImageConfig.class);
    assertThat(written.diffIds())
        .containsExactly(Digests.sha256("layer-1-tar"), Digests.sha256("layer-2-tar"));
  }

  @Test
  void assemble_sourceDateEpoch_setsCreatedAndClampsNewerHistory() throws Exception {
    Instant epoch = Instant.parse("2024-05-01T10:00:00.500Z");
    ImageAssembler.Assembled a =
        ImageAssembler.assemble(
            fixedImage(Map.of()), new ExportOptions(true, epoch, Map.of(), null));
    ImageConfig written = dev.kiln.oci.OciJson.parse(a.config().bytes(), ImageConfig.class);
    assertThat(written.created()).isEqualTo("2024-05-01T10:00:00.500Z");
    assertThat(written.history())
        .extracting(ImageConfig.History::created)
        .containsExactly("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.500Z");
    ImageAssembler.Assembled plain =
        ImageAssembler.assemble(fixedImage(Map.of()), ExportOptions.defaults(true));
    assertThat(a.manifest().digest()).isNotEqualTo(plain.manifest().digest());
  }

  @Test
  void assemble_annotations_writtenSortedInManifest() {
    ImageAssembler.Assembled a =
        ImageAssembler.assemble(
            fixedImage(Map.of("z.b", "2", "a.b", "1")), ExportOptions.defaults(true));
    assertThat(new String(a.manifest().bytes(), StandardCharsets.UTF_8))
        .endsWith("\"annotations\":{\"a.b\":\"1\",\"z.b\":\"2\"}}");
  }

  @Test
  void assemble_annotationsWithDockerTypes_fails() {
    assertThatThrownBy(
            () ->
                ImageAssembler.assemble(
                    fixedImage(Map.of("a", "1")), ExportOptions.defaults(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need OCI media types");
  }

  // Digests computed with sha256sum over the golden files (src/test/resources/golden/).
  static final String GOLDEN_CONFIG = golden("config.json");
  static final String GOLDEN_CONFIG_DIGEST =
      "sha256:930787a26186282e8f2e149c0d9887e6af127077e9e534997e10cfcde58d78b2";
  static final String GOLDEN_MANIFEST = golden("manifest.json");
  static final String GOLDEN_MANIFEST_DIGEST =
      "sha256:cdc8ce25d5f280f5a69de149354b587bc9f3a3b33fc106c40b074e7c7b0edc20";

  private static String golden(String name) {
    try (java.io.InputStream in = ImageAssemblerTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
