package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayerApplierTest {
  @TempDir Path tmp;
  private Path src;
  private Path snap;
  private Path outside;
  private final LayerApplier root = new LayerApplier(new LayerApplier.Options(true, 1 << 20));

  @BeforeEach
  void dirs() throws IOException {
    src = Files.createDirectory(tmp.resolve("src"));
    snap = Files.createDirectory(tmp.resolve("snap"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("passwd"), "original");
  }

  private void sampleTree() throws Exception {
    Trees.dir(src, "bin", 0755);
    Trees.file(src, "bin/tool", "#!/bin/sh\necho hi\n", 04755);
    Trees.file(src, "etc/conf", "a=1\n", 0640);
    Files.setAttribute(src.resolve("etc/conf"), "unix:uid", 1000);
    Files.setAttribute(src.resolve("etc/conf"), "unix:gid", 2000);
    Trees.xattr(src.resolve("etc/conf"), "kiln.test", "v1");
    Trees.dir(src, "tmp", 01777);
    Files.createLink(src.resolve("bin/tool-again"), src.resolve("bin/tool"));
    Files.createSymbolicLink(src.resolve("etc/abs"), Path.of("/etc/conf"));
    Files.createSymbolicLink(src.resolve("etc/rel"), Path.of("conf"));
    Trees.run("mkfifo", "-m", "0600", src.resolve("tmp/fifo").toString());
    Trees.run("mknod", "-m", "0666", src.resolve("tmp/null").toString(), "c", "1", "3");
    Trees.file(src, "big/" + "n".repeat(120) + "/ünï.txt", "x".repeat(200_000), 0644);
    Trees.settleDirTimes(src);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void apply_writtenTree_reproducesTree(Compression c) throws Exception {
    sampleTree();
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults().withCompression(c))
            .write(DirectoryWalker.of(src), tmp.resolve("blobs"));

    LayerApplier.Result r = root.apply(blob, snap);

    assertThat(r.diffId()).isEqualTo(blob.diffId());
    assertThat(Trees.describe(snap)).isEqualTo(Trees.describe(src));
    assertThat(Files.isSameFile(snap.resolve("bin/tool"), snap.resolve("bin/tool-again"))).isTrue();
  }

  /**
   * A layer replacing {@code dir} wholesale, adding {@code dir/new} and deleting {@code gone}, in
   * the order kiln writes layers (whiteouts sort as the name they hide).
   */
  private byte[] deletingLayer() throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    new LayerWriter(LayerWriter.Options.defaults())
        .writeTar(
            EntrySource.of(
                List.of(
                    LayerEntry.builder("dir", EntryType.DIRECTORY).mode(0755).build(),
                    LayerEntry.opaque("dir"),
                    LayerEntry.builder("dir/new", EntryType.FILE)
                        .mode(0644)
                        .content("n".getBytes(StandardCharsets.UTF_8))
                        .build(),
                    LayerEntry.whiteout("gone"))),
            tar);
    return tar.toByteArray();
  }

  @Test
  void unpack_ociForm_keepsTheMarkersAndConvertsBackToTheSameTar() throws Exception {
    byte[] layer = deletingLayer();

    root.unpack("l", new ByteArrayInputStream(layer), snap, null, DiffFormat.oci());

    assertThat(snap.resolve(".wh.gone")).isEmptyFile();
    assertThat(snap.resolve("dir/.wh..wh..opq")).isEmptyFile();
    assertThat(snap.resolve("dir/new")).hasContent("n");
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    new LayerWriter(LayerWriter.Options.defaults())
        .writeTar(OverlayUpperConverter.ofOciMarkers(snap), again);
    assertThat(entryNames(again.toByteArray())).isEqualTo(entryNames(layer));
  }

  @Test
  void unpack_overlayForm_writesOverlayfsMarkers() throws Exception {
    Path template = tmp.resolve("whiteout");
    Trees.run("mknod", "-m", "0", template.toString(), "c", "0", "0");

    root.unpack(
        "l", new ByteArrayInputStream(deletingLayer()), snap, null, DiffFormat.overlay(template));

    assertThat(Files.isSameFile(snap.resolve("gone"), template)).isTrue();
    assertThat(snap.resolve(".wh.gone")).doesNotExist();
    assertThat(OpaqueProbe.scan(snap).isOpaque(snap.resolve("dir"))).isTrue();
    assertThat(snap.resolve("dir/.wh..wh..opq")).doesNotExist();
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    new LayerWriter(LayerWriter.Options.defaults())
        .writeTar(new OverlayUpperConverter(snap, OpaqueProbe.scan(snap)), again);
    assertThat(entryNames(again.toByteArray())).isEqualTo(entryNames(deletingLayer()));
  }

  private static List<String> entryNames(byte[] tar) throws IOException {
    List<String> out = new java.util.ArrayList<>();
    try (var in =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.add(e.getName());
      }
    }
    return out;
  }

  @Test
  void apply_unprivileged_skipsOwnershipAndDevices() throws Exception {
    sampleTree();
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults())
            .write(DirectoryWalker.of(src), tmp.resolve("b"));

    new LayerApplier(new LayerApplier.Options(false, 1 << 20)).apply(blob, snap);

    assertThat(snap.resolve("tmp/null")).doesNotExist();
    assertThat(snap.resolve("tmp/fifo")).exists();
    assertThat(Files.getAttribute(snap.resolve("etc/conf"), "unix:uid")).isEqualTo(0);
    assertThat(Files.readString(snap.resolve("etc/conf"))).isEqualTo("a=1\n");
  }

  @Test
  void apply_whiteoutsAndOpaqueDir_removeLowerContentOnly() throws Exception {
    Trees.file(snap, "keep/a", "lower", 0644);
    Trees.file(snap, "gone/deep/x", "lower", 0644);
    Trees.file(snap, "file-gone", "lower", 0644);
    Trees.file(snap, "opq/old1", "lower", 0644);
    Trees.file(snap, "opq/sub/old2", "lower", 0644);
    List<LayerEntry> layer =
        List.of(
            LayerEntry.whiteout("file-gone"),
            LayerEntry.whiteout("gone"),
            LayerEntry.builder("opq", EntryType.DIRECTORY).build(),
            LayerEntry.builder("opq/new", EntryType.FILE).content(new byte[] {1}).build(),
            LayerEntry.opaque("opq"),
            LayerEntry.builder("opq/later", EntryType.FILE).content(new byte[] {2}).build());

    applyEntries(layer);

    assertThat(snap.resolve("keep/a")).hasContent("lower");
    assertThat(snap.resolve("gone")).doesNotExist();
    assertThat(snap.resolve("file-gone")).doesNotExist();
    try (var s = Files.list(snap.resolve("opq"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("new", "later");
    }
  }

  @Test
  void apply_nonDirOverDir_replacesWholeDir() throws Exception {
    Trees.file(snap, "x/inner", "lower", 0644);
    applyEntries(List.of(LayerEntry.builder("x", EntryType.SYMLINK).linkTarget("y").build()));

    assertThat(Files.isSymbolicLink(snap.resolve("x"))).isTrue();
  }

  @Test
  void apply_wrongExpectedDiffId_fails() throws Exception {
    sampleTree();
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults())
            .write(DirectoryWalker.of(src), tmp.resolve("b"));

    assertThatThrownBy(() -> root.apply(blob.path(), snap, Digests.sha256("other")))
        .isInstanceOf(LayerException.class)
        .hasMessageContaining("diffID mismatch");
  }

  @Test
  void apply_pathTraversal_rejectedAndNothingWrittenOutside() throws Exception {
    byte[] tar = tar(t -> file(t, "../outside/passwd", "pwned"));

    assertThatThrownBy(() -> apply(tar))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessage("layer evil: entry '../outside/passwd' escapes the snapshot root");
    assertOutsideUntouched();
  }

  @Test
  void apply_absolutePath_rejected() throws Exception {
    byte[] tar = tar(t -> file(t, outside.resolve("passwd").toString(), "pwned"));

    assertThatThrownBy(() -> apply(tar))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessageContaining("absolute path");
    assertOutsideUntouched();
  }

  @Test
  void apply_writeThroughSymlinkClimbingOut_rejected() throws Exception {
    byte[] tar =
        tar(
            t -> {
              symlink(t, "esc", "../outside");
              file(t, "esc/passwd", "pwned");
            });

    assertThatThrownBy(() -> apply(tar))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessageContaining("entry 'esc/passwd' goes through a symlink that points outside");
    assertOutsideUntouched();
  }

  @Test
  void apply_writeThroughAbsoluteSymlink_staysInsideRoot() throws Exception {
    byte[] tar =
        tar(
            t -> {
              symlink(t, "abs", outside.toString());
              file(t, "abs/passwd", "inside");
            });

    apply(tar);

    assertOutsideUntouched();
    Path landed = snap.resolve(outside.toString().substring(1)).resolve("passwd");
    assertThat(landed).hasContent("inside");
    assertThat(Files.isSymbolicLink(snap.resolve("abs"))).isTrue();
  }

  @Test
  void apply_symlinkEntryReplacedByFile_doesNotWriteThroughIt() throws Exception {
    byte[] tar =
        tar(
            t -> {
              symlink(t, "p", outside.resolve("passwd").toString());
              file(t, "p", "replaced");
            });

    apply(tar);

    assertOutsideUntouched();
    assertThat(Files.isSymbolicLink(snap.resolve("p"))).isFalse();
    assertThat(snap.resolve("p")).hasContent("replaced");
  }

  @Test
  void apply_hardlinkToOutside_rejected() throws Exception {
    byte[] traversal = tar(t -> hardlink(t, "h", "../outside/passwd"));
    byte[] viaSymlink =
        tar(
            t -> {
              symlink(t, "esc", "../outside");
              hardlink(t, "h", "esc/passwd");
            });

    assertThatThrownBy(() -> apply(traversal))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessageContaining("escapes the snapshot root");
    assertThatThrownBy(() -> apply(viaSymlink)).isInstanceOf(UnsafeLayerException.class);
    assertThat(snap.resolve("h")).doesNotExist();
    assertThat(Files.getAttribute(outside.resolve("passwd"), "unix:nlink")).isEqualTo(1);
  }

  @Test
  void apply_hugePaxHeader_rejectedBeforeReadingIt() throws Exception {
    byte[] tar =
        tar(
            t -> {
              TarArchiveEntry e = new TarArchiveEntry("f");
              e.addPaxHeader("SCHILY.xattr.user.big", "v".repeat(4096));
              e.setSize(0);
              t.putArchiveEntry(e);
              t.closeArchiveEntry();
            });

    assertThatThrownBy(
            () ->
                new LayerApplier(new LayerApplier.Options(true, 1024))
                    .apply("evil", new ByteArrayInputStream(tar), snap, null))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessageContaining("exceeds the limit of 1024 bytes");
  }

  @Test
  void apply_whiteoutWithDotDot_rejected() throws Exception {
    byte[] tar = tar(t -> file(t, "a/.wh...", ""));

    assertThatThrownBy(() -> apply(tar)).isInstanceOf(UnsafeLayerException.class);
    assertThat(snap).exists();
  }

  @Test
  void apply_gzipBlobLabelledOtherwise_detectedByMagic() throws Exception {
    List<LayerEntry> entries =
        List.of(LayerEntry.builder("f", EntryType.FILE).content(new byte[] {7}).build());
    LayerBlob gz =
        new LayerWriter(LayerWriter.Options.defaults())
            .write(EntrySource.of(entries), tmp.resolve("b"));

    root.apply(gz.path(), snap, gz.diffId());

    assertThat(Files.readAllBytes(snap.resolve("f"))).containsExactly(7);
  }

  private void applyEntries(List<LayerEntry> entries) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LayerWriter(LayerWriter.Options.defaults()).writeTar(EntrySource.of(entries), out);
    apply(out.toByteArray());
  }

  private void apply(byte[] tar) throws LayerException {
    root.apply("evil", new ByteArrayInputStream(tar), snap, null);
  }

  private void assertOutsideUntouched() throws IOException {
    try (var s = Files.list(outside)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("passwd");
    }
    assertThat(outside.resolve("passwd")).hasContent("original");
    assertThat(Files.isSymbolicLink(outside.resolve("passwd"))).isFalse();
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .allMatch(n -> List.of("src", "snap", "outside", "b", "blobs").contains(n));
    }
    assertThat(Files.exists(tmp.resolve("outside/passwd"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  interface TarBody {
    void write(TarArchiveOutputStream t) throws IOException;
  }

  static byte[] tar(TarBody body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out, "UTF-8")) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      body.write(t);
    }
    return out.toByteArray();
  }

  static void file(TarArchiveOutputStream t, String name, String content) throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(b.length);
    t.putArchiveEntry(e);
    t.write(b);
    t.closeArchiveEntry();
  }

  static void symlink(TarArchiveOutputStream t, String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    e.setLinkName(target);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }

  static void hardlink(TarArchiveOutputStream t, String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    e.setLinkName(target);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }
}
