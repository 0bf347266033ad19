package dev.kiln.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirExporterTest {

  @TempDir Path tmp;

  @Test
  void export_rootfs_copiesFilesLinksModesAndTimes() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    Files.createDirectories(rootfs.resolve("bin"));
    Path tool = Files.writeString(rootfs.resolve("bin/tool"), "#!/bin/true\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setLastModifiedTime(tool, FileTime.fromMillis(1_000_000));
    Files.createSymbolicLink(rootfs.resolve("link"), Path.of("bin/tool"));
    Files.createSymbolicLink(rootfs.resolve("dangling"), Path.of("/nowhere"));
    Path dest = tmp.resolve("out");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("keep.txt"), "kept");

    ExportableImage image =
        ExportableImage.of(ImageConfig.of(Platform.current()), List.of()).withRootfs(rootfs);
    new LocalDirExporter(dest).export(image, new InMemoryContentStore());

    assertThat(dest.resolve("bin/tool")).hasContent("#!/bin/true");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("bin/tool"))))
        .isEqualTo("rwxr-x---");
    assertThat(Files.getLastModifiedTime(dest.resolve("bin/tool")).toMillis()).isEqualTo(1_000_000);
    assertThat(Files.readSymbolicLink(dest.resolve("link"))).isEqualTo(Path.of("bin/tool"));
    assertThat(Files.readSymbolicLink(dest.resolve("dangling"))).isEqualTo(Path.of("/nowhere"));
    assertThat(dest.resolve("keep.txt")).hasContent("kept");
  }

  @Test
  void export_withoutRootfs_failsExplaining() {
    ExportableImage image = ExportableImage.of(ImageConfig.of(Platform.current()), List.of());
    assertThatThrownBy(
            () -> new LocalDirExporter(tmp.resolve("o")).export(image, new InMemoryContentStore()))
        .hasMessageContaining("needs the build's root filesystem");
  }
}
