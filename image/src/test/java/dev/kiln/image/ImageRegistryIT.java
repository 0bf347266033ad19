package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.image.export.ExportSpec;
import dev.kiln.image.export.ImageExporters;
import dev.kiln.oci.Platform;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.Tools;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes images with the exporters to a real registry and reads them back with kiln, skopeo and
 * docker.
 */
class ImageRegistryIT {

  static RegistryContainer registry;
  static RegistryClients clients;
  static String host;

  @TempDir Path tmp;
  private final InMemoryContentStore store = new InMemoryContentStore();

  @BeforeAll
  static void start() {
    Tools.require("skopeo");
    Tools.require("docker");
    registry = RegistryContainer.open();
    registry.start();
    host = registry.hostPort();
    clients = new RegistryClients(h -> Optional.empty(), Set.of());
  }

  @AfterAll
  static void stop() {
    clients.close();
    registry.close();
  }

  private ExportableImage image(String marker) throws Exception {
    return TestImages.image(
        store,
        List.of("PATH=/bin", "GREETING=" + marker),
        TestImages.layer(Map.of("hello.txt", "hello " + marker + "\n")),
        TestImages.layer(Map.of("etc/motd", "welcome\n")));
  }

  private ExportResult export(String spec, ExportableImage image) throws Exception {
    return new ImageExporters(clients, null).create(ExportSpec.parse(spec)).export(image, store);
  }

  private static String run(String... cmd) {
    return ProcessRunner.of(cmd).timeout(Duration.ofMinutes(2)).run().assertSuccess().stdout();
  }

  @Test
  void push_thenResolve_roundTripsWithLazyLayerFetch() throws Exception {
    ExportableImage image = image("roundtrip");
    ExportResult pushed = export("type=image,name=" + host + "/kiln/app:1,push=true", image);

    RegistryImageSource source = new RegistryImageSource(clients, tmp);
    ResolvedImage resolved = source.resolve(host + "/kiln/app:1", Platform.current());
    assertThat(resolved.manifest().digest()).isEqualTo(pushed.manifest().digest());
    assertThat(resolved.topDigest()).isEqualTo(pushed.manifest().digest());
    assertThat(resolved.config().digest()).isEqualTo(pushed.config());
    assertThat(resolved.diffIds())
        .containsExactlyElementsOf(image.layers().stream().map(ExportLayer::diffId).toList());

    InMemoryContentStore fresh = new InMemoryContentStore();
    ImageSources.fetchInto(source, resolved, resolved.layers().get(1), fresh);
    assertThat(fresh.contains(resolved.layers().get(1).digest())).isTrue();
    assertThat(fresh.contains(resolved.layers().get(0).digest())).isFalse();
    try (InputStream a = fresh.open(resolved.layers().get(1).digest());
        InputStream b = store.open(resolved.layers().get(1).digest())) {
      assertThat(a.readAllBytes()).isEqualTo(b.readAllBytes());
    }
    assertThat(tmp).isEmptyDirectory();

    String inspect =
        run("skopeo", "inspect", "--tls-verify=false", "docker://" + host + "/kiln/app:1");
    assertThat(inspect)
        .contains(pushed.manifest().digest().toString())
        .contains("GREETING=roundtrip");
  }

  @Test
  void push_layersFromSameRegistry_mountsFromOriginAndIsComplete() throws Exception {
    ExportableImage base = image("base");
    export("type=image,name=" + host + "/kiln/base:1,push=true", base);
    List<ExportLayer> withOrigin =
        base.layers().stream()
            .map(l -> new ExportLayer(l.blob(), l.diffId(), host + "/kiln/base"))
            .toList();
    ExportableImage derived = new ExportableImage(base.config(), withOrigin, Map.of(), null);

    ExportResult r = export("type=registry,name=" + host + "/kiln/derived:1", derived);

    String inspect =
        run(
            "skopeo",
            "inspect",
            "--raw",
            "--tls-verify=false",
            "docker://" + host + "/kiln/derived:1");
    assertThat(inspect).contains(base.layers().get(0).blob().digest().toString());
    run(
        "skopeo",
        "copy",
        "--src-tls-verify=false",
        "docker://" + host + "/kiln/derived:1",
        "oci:" + tmp.resolve("copy") + ":x");
    assertThat(r.names()).containsExactly(host + "/kiln/derived:1");
  }

  @Test
  void push_dockerMediaTypes_dockerPullsAndInspectsEnv() throws Exception {
    String ref = host + "/kiln/dockertypes:" + UUID.randomUUID().toString().substring(0, 8);
    export("type=image,push=true,oci-mediatypes=false,name=" + ref, image("pulled"));
    try {
      run("docker", "pull", ref);
      assertThat(run("docker", "image", "inspect", "--format", "{{json .Config.Env}}", ref))
          .contains("GREETING=pulled");
    } finally {
      ProcessRunner.of("docker", "rmi", "-f", ref).timeout(Duration.ofMinutes(1)).run();
    }
  }

  @Test
  void resolve_unknownTag_failsWithClearMessage() {
    RegistryImageSource source = new RegistryImageSource(clients, tmp);
    assertThatThrownBy(() -> source.resolve(host + "/kiln/nope:latest", Platform.current()))
        .isInstanceOf(ImageSourceException.class)
        .hasMessage(
            "pulling "
                + host
                + "/kiln/nope:latest from "
                + host
                + ": manifest unknown — check the image name and tag");
  }

  @Test
  void dockerArchive_loadsWithDockerLoad() throws Exception {
    String name = "kiln-image-it/archive:" + UUID.randomUUID().toString().substring(0, 8);
    Path tar = tmp.resolve("image.tar");
    export("type=docker,dest=" + tar + ",name=" + name, image("loaded"));
    try {
      assertThat(run("docker", "load", "-i", tar.toString())).contains(name);
      assertThat(run("docker", "image", "inspect", "--format", "{{json .Config.Env}}", name))
          .contains("GREETING=loaded");
    } finally {
      ProcessRunner.of("docker", "rmi", "-f", name).timeout(Duration.ofMinutes(1)).run();
    }
  }

  @Test
  void ociArchive_readBySkopeo() throws Exception {
    Path tar = tmp.resolve("oci.tar");
    ExportResult r = export("type=oci,dest=" + tar + ",name=kiln/oci:1", image("oci"));
    String inspect = run("skopeo", "inspect", "oci-archive:" + tar);
    assertThat(inspect).contains("GREETING=oci").contains(r.manifest().digest().toString());
  }

  @Test
  void push_withRecompression_uploadsTheConvertedBlobs() throws Exception {
    // A stand-in compressor: stores other bytes under an uncompressed type. The registry checks
    // only that every blob the manifest names was uploaded.
    dev.kiln.core.port.LayerCompressor fake =
        (layer, target, level, content) -> {
          byte[] bytes = ("converted " + layer.blob().digest()).getBytes();
          dev.kiln.oci.Digests.Sized stored =
              content.write(new java.io.ByteArrayInputStream(bytes), null);
          return new ExportLayer(
              dev.kiln.oci.Descriptor.of(
                  dev.kiln.oci.MediaTypes.OCI_LAYER_TAR, stored.digest(), stored.size()),
              layer.diffId(),
              null);
        };
    String ref = host + "/kiln/recompressed:1";
    ExportResult r =
        new ImageExporters(clients, null, fake)
            .create(ExportSpec.parse("type=image,push=true,compression=uncompressed,name=" + ref))
            .export(image("recompressed"), store);

    String raw = run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref);
    assertThat(raw).contains("application/vnd.oci.image.layer.v1.tar\"").doesNotContain("gzip");
    assertThat(r.manifest().digest().toString()).isNotEmpty();
  }
}
