package dev.kiln.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.image.RegistryClients;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageExportersTest {

  private final RegistryClients clients = new RegistryClients(host -> Optional.empty(), Set.of());
  private final ImageExporters exporters = new ImageExporters(clients, null);

  @AfterEach
  void close() {
    clients.close();
  }

  @Test
  void create_eachType_returnsItsAdapter() throws Exception {
    assertThat(exporters.create(ExportSpec.parse("type=image,name=localhost:5000/a:1,push=true")))
        .isInstanceOf(RegistryImageExporter.class);
    assertThat(exporters.create(ExportSpec.parse("type=oci,dest=o.tar")))
        .isInstanceOf(LayoutImageExporter.class);
    assertThat(exporters.create(ExportSpec.parse("type=docker,dest=d.tar,name=a:1")))
        .isInstanceOf(LayoutImageExporter.class);
    assertThat(exporters.create(ExportSpec.parse("type=local,dest=out")))
        .isInstanceOf(LocalDirExporter.class);
  }

  @Test
  void create_imageWithoutPush_failsExplainingWhy() {
    assertThatThrownBy(() -> exporters.create(ExportSpec.parse("type=image,name=a:1")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("no local image store");
  }

  @Test
  void create_imageWithoutName_fails() {
    assertThatThrownBy(() -> exporters.create(ExportSpec.parse("type=image,push=true")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("needs name=REF");
  }

  @Test
  void create_unknownAttribute_failsListingAccepted() {
    assertThatThrownBy(() -> exporters.create(ExportSpec.parse("type=oci,dest=o.tar,compress=1")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("unknown attribute 'compress'")
        .hasMessageContaining("tar");
  }

  @Test
  void create_unknownType_fails() {
    assertThatThrownBy(() -> exporters.create(ExportSpec.parse("type=tarball,dest=x")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("unknown output type 'tarball'");
  }

  @Test
  void create_missingDest_fails() {
    assertThatThrownBy(() -> exporters.create(ExportSpec.parse("type=docker,name=a:1")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("needs dest=PATH");
  }

  @Test
  void create_badBoolean_fails() {
    assertThatThrownBy(() -> exporters.create(ExportSpec.parse("type=oci,dest=o,tar=maybe")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("tar=maybe is not true or false");
  }

  @Test
  void create_badEpoch_fails() {
    assertThatThrownBy(
            () -> exporters.create(ExportSpec.parse("type=oci,dest=o,source-date-epoch=yesterday")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("source-date-epoch=yesterday");
  }

  @Test
  void create_annotationsWithDockerTypes_fails() {
    assertThatThrownBy(
            () -> exporters.create(ExportSpec.parse("type=docker,dest=d.tar,annotation.org.x=1")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("needs OCI media types");
  }

  @Test
  void create_invalidName_failsNamingIt() {
    assertThatThrownBy(
            () -> exporters.create(ExportSpec.parse("type=image,name=Bad/Name,push=true")))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("Bad/Name");
  }
}
