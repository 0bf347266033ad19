package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayUpperConverterTest {
  @TempDir Path upper;

  @Test
  void emit_whiteoutDeviceAndOpaqueDir_becomeOciMarkers() throws Exception {
    Trees.run("mknod", upper.resolve("deleted").toString(), "c", "0", "0");
    Trees.file(upper, "opq/new", "n", 0644);
    Trees.file(upper, "plain/f", "p", 0644);
    Trees.xattr(upper.resolve("plain"), "overlay.origin", "x");
    Trees.run("mknod", upper.resolve("real-null").toString(), "c", "1", "3");
    OpaqueProbe probe = dir -> dir.getFileName().toString().equals("opq");

    List<LayerEntry> entries = new OverlayUpperConverter(upper, probe).toList();

    assertThat(entries)
        .extracting(LayerEntry::path)
        .containsExactly(
            ".wh.deleted", "opq", "opq/.wh..wh..opq", "opq/new", "plain", "plain/f", "real-null");
    assertThat(entries.get(0).type()).isEqualTo(EntryType.FILE);
    assertThat(entries.get(0).size()).isZero();
    assertThat(entries.get(4).xattrs()).isEmpty();
    assertThat(entries.get(6).type()).isEqualTo(EntryType.CHAR_DEVICE);
  }

  @Test
  void emit_convertedUpper_appliedOverLowerHidesDeletedAndOpaqueContent() throws Exception {
    Path lower = Files.createDirectory(upper.resolveSibling(upper.getFileName() + "-lower"));
    Trees.file(lower, "deleted", "old", 0644);
    Trees.file(lower, "opq/old", "old", 0644);
    Trees.file(lower, "kept", "old", 0644);
    Trees.run("mknod", upper.resolve("deleted").toString(), "c", "0", "0");
    Trees.file(upper, "opq/new", "n", 0644);
    Files.writeString(Files.createDirectories(upper).resolve("added"), "a");
    java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
    new LayerWriter(LayerWriter.Options.defaults())
        .writeTar(new OverlayUpperConverter(upper, d -> d.endsWith("opq")), tar);

    new LayerApplier(LayerApplier.Options.detect())
        .apply("ovl", new java.io.ByteArrayInputStream(tar.toByteArray()), lower, null);

    try (var s = Files.walk(lower)) {
      assertThat(s.map(p -> lower.relativize(p).toString()))
          .containsExactlyInAnyOrder("", "added", "kept", "opq", "opq/new");
    }
  }
}
