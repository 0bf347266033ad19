package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.Platform;
import dev.kiln.oci.layout.OciLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutImageSourceTest {

  @TempDir Path dir;
  private final OciLayoutImageSource source = new OciLayoutImageSource();
  private Descriptor amd64;
  private TestImages.Layer layer;

  /** A layout with an index (linux/amd64 only) tagged "multi", and nothing else. */
  @BeforeEach
  void layout() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    layer = TestImages.layer(Map.of("a", "b"));
    Descriptor layerDesc = layout.writeBlob(MediaTypes.OCI_LAYER_GZIP, layer.gzip());
    dev.kiln.oci.ImageConfig config =
        dev.kiln.oci.ImageConfig.of(Platform.of("linux", "amd64"))
            .withRootFs(dev.kiln.oci.ImageConfig.RootFs.of(List.of(layer.diffId())));
    Descriptor configDesc = layout.writeJson(config, MediaTypes.OCI_CONFIG);
    amd64 =
        layout
            .writeManifest(ImageManifest.oci(configDesc, List.of(layerDesc)))
            .withPlatform(Platform.of("linux", "amd64"));
    Descriptor index = layout.writeManifest(ImageIndex.oci(List.of(amd64)));
    layout.tag("multi", index);
  }

  @Test
  void resolve_indexTag_followsToPlatformManifest() throws Exception {
    ResolvedImage r =
        source.resolve("oci-layout://" + dir + ":multi", Platform.of("linux", "amd64"));
    assertThat(r.manifest().digest()).isEqualTo(amd64.digest());
    assertThat(r.topDigest()).isNotEqualTo(amd64.digest());
    assertThat(r.diffIds()).containsExactly(layer.diffId());
    InMemoryContentStore store = new InMemoryContentStore();
    ImageSources.fetchInto(source, r, r.layers().get(0), store);
    assertThat(store.size(r.layers().get(0).digest())).isEqualTo(layer.gzip().length);
  }

  @Test
  void resolve_noTagSingleEntry_usesIt() throws Exception {
    ResolvedImage r = source.resolve("oci-layout://" + dir, Platform.of("linux", "amd64"));
    assertThat(r.manifest().digest()).isEqualTo(amd64.digest());
  }

  @Test
  void resolve_byManifestDigest_readsThatManifest() throws Exception {
    ResolvedImage r =
        source.resolve("oci-layout://" + dir + "@" + amd64.digest(), Platform.of("linux", "amd64"));
    assertThat(r.topDigest()).isEqualTo(amd64.digest());
    assertThat(r.layers()).hasSize(1);
  }

  @Test
  void resolve_otherPlatform_failsListingAvailable() {
    assertThatThrownBy(
            () -> source.resolve("oci-layout://" + dir + ":multi", Platform.of("linux", "arm64")))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("no manifest for platform linux/arm64")
        .hasMessageContaining("[linux/amd64]");
  }

  @Test
  void resolve_unknownTag_failsListingTags() {
    assertThatThrownBy(() -> source.resolve("oci-layout://" + dir + ":nope", Platform.current()))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining("no image tagged 'nope'")
        .hasMessageContaining("[multi]");
  }

  @Test
  void resolve_notALayout_failsNamingPath() {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> source.resolve("oci-layout://" + missing, Platform.current()))
        .isInstanceOf(ImageSourceException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void imageSources_routesByPrefix() {
    RegistryClients clients =
        new RegistryClients(host -> java.util.Optional.empty(), java.util.Set.of());
    ImageSources sources = ImageSources.create(clients);
    assertThat(sources.sourceFor("oci-layout:///x")).isInstanceOf(OciLayoutImageSource.class);
    assertThat(sources.sourceFor("busybox")).isInstanceOf(RegistryImageSource.class);
    clients.close();
  }
}
