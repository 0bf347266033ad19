package dev.kiln.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.image.ImageSources;
import dev.kiln.image.OciLayoutImageSource;
import dev.kiln.image.RegistryClients;
import dev.kiln.image.TestImages;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import dev.kiln.oci.layout.OciLayoutTar;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutImageExporterTest {

  @TempDir Path tmp;
  private final InMemoryContentStore store = new InMemoryContentStore();
  private final RegistryClients clients = new RegistryClients(host -> Optional.empty(), Set.of());
  private final ImageExporters exporters = new ImageExporters(clients, null);

  @AfterEach
  void close() {
    clients.close();
  }

  private ExportableImage image() throws Exception {
    return TestImages.image(
        store,
        List.of("PATH=/bin", "GREETING=hi"),
        TestImages.layer(Map.of("hello.txt", "hello\n")),
        TestImages.layer(Map.of("etc/motd", "welcome\n")));
  }

  private static Map<String, byte[]> entries(Path tar) throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        assertThat(e.getLastModifiedDate().getTime()).isZero();
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  @Test
  void export_docker_writesManifestJsonPointingAtBlobs() throws Exception {
    Path dest = tmp.resolve("img.tar");
    ExportResult r =
        exporters
            .create(ExportSpec.parse("type=docker,dest=" + dest + ",name=kiln-test/app:1"))
            .export(image(), store);

    Map<String, byte[]> entries = entries(dest);
    List<String> names = new ArrayList<>(entries.keySet());
    assertThat(names.subList(0, 5))
        .containsExactly("oci-layout", "index.json", "manifest.json", "blobs/", "blobs/sha256/");
    JsonNode manifestJson = OciJson.parseTree(entries.get("manifest.json"));
    assertThat(manifestJson).hasSize(1);
    JsonNode m = manifestJson.get(0);
    assertThat(m.get("RepoTags").get(0).asText()).isEqualTo("kiln-test/app:1");
    assertThat(m.get("Config").asText()).isEqualTo("blobs/sha256/" + r.config().hex());
    assertThat(m.get("Layers")).hasSize(2);
    for (JsonNode layer : m.get("Layers")) {
      byte[] blob = entries.get(layer.asText());
      assertThat(blob).isNotNull();
      assertThat("blobs/sha256/" + Digests.sha256(blob).hex()).isEqualTo(layer.asText());
    }
    assertThat(r.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(new String(entries.get("blobs/sha256/" + r.manifest().digest().hex())))
        .contains(MediaTypes.DOCKER_LAYER_GZIP);
    assertThat(r.names()).containsExactly("docker.io/kiln-test/app:1");
  }

  @Test
  void export_ociTarTwice_identicalBytes() throws Exception {
    ExportableImage image = image();
    Path a = tmp.resolve("a.tar");
    Path b = tmp.resolve("b.tar");
    exporters.create(ExportSpec.parse("type=oci,dest=" + a)).export(image, store);
    exporters.create(ExportSpec.parse("type=oci,dest=" + b)).export(image, store);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
  }

  @Test
  void export_ociTar_extractsToLayoutReadableBySource() throws Exception {
    Path dest = tmp.resolve("oci.tar");
    ExportResult r =
        exporters
            .create(ExportSpec.parse("type=oci,dest=" + dest + ",name=localhost/app:v2"))
            .export(image(), store);
    Path dir = tmp.resolve("extracted");
    try (InputStream in = Files.newInputStream(dest)) {
      OciLayoutTar.extract(in, dir);
    }

    OciLayoutImageSource source = new OciLayoutImageSource();
    ResolvedImage resolved = source.resolve("oci-layout://" + dir + ":v2", Platform.current());
    assertThat(resolved.manifest().digest()).isEqualTo(r.manifest().digest());
    assertThat(resolved.config().digest()).isEqualTo(r.config());
    assertThat(resolved.layers()).hasSize(2);
    assertThat(resolved.diffIds()).hasSize(2);

    InMemoryContentStore fresh = new InMemoryContentStore();
    ImageSources.fetchInto(source, resolved, resolved.layers().get(0), fresh);
    assertThat(fresh.contains(resolved.layers().get(0).digest())).isTrue();
  }

  @Test
  void export_ociDirectory_tagsAndKeepsOtherEntries() throws Exception {
    Path dir = tmp.resolve("layout");
    ExportableImage image = image();
    exporters
        .create(ExportSpec.parse("type=oci,tar=false,dest=" + dir + ",name=a:one"))
        .export(image, store);
    ExportResult second =
        exporters
            .create(
                ExportSpec.parse(
                    "type=oci,tar=false,dest=" + dir + ",name=a:two,source-date-epoch=0"))
            .export(image, store);

    OciLayoutImageSource source = new OciLayoutImageSource();
    assertThat(
            source.resolve("oci-layout://" + dir + ":two", Platform.current()).manifest().digest())
        .isEqualTo(second.manifest().digest());
    assertThat(
            source.resolve("oci-layout://" + dir + ":one", Platform.current()).manifest().digest())
        .isNotEqualTo(second.manifest().digest());
  }

  @Test
  void export_layerMissingFromStore_failsNamingDestination() throws Exception {
    ExportableImage image = image();
    store.delete(image.layers().get(1).blob().digest());
    Path dest = tmp.resolve("broken.tar");
    assertThatThrownBy(
            () -> exporters.create(ExportSpec.parse("type=oci,dest=" + dest)).export(image, store))
        .hasMessageContaining(dest.toString())
        .hasMessageContaining("not in the content store");
    assertThat(dest).doesNotExist();
  }
}
