package dev.kiln.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.DigestMismatchException;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageManifest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OciLayoutTarTest {

  @TempDir Path dir;

  private byte[] tarOf(OciLayout layout) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OciLayoutTar.write(layout, out);
    return out.toByteArray();
  }

  private static List<String> names(byte[] tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
        assertThat(e.getModTime().getTime()).isZero();
        assertThat(e.getLongUserId()).isZero();
      }
    }
    return names;
  }

  /** A tar with one entry of the given name, type and content. */
  private static byte[] tarWith(String name, byte type, String content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry e = new TarArchiveEntry(name, type);
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      if (type == TarConstants.LF_SYMLINK || type == TarConstants.LF_LINK) {
        e.setLinkName("/etc/passwd");
      } else {
        e.setSize(data.length);
      }
      tar.putArchiveEntry(e);
      if (e.getSize() > 0) {
        tar.write(data);
      }
      tar.closeArchiveEntry();
    }
    return out.toByteArray();
  }

  @Test
  void write_layout_entriesInFixedOrderAndReproducible() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("src"));
    TestImage image = TestImage.writeTo(layout, "v1");
    Files.writeString(layout.root().resolve("blobs/sha256/.tmp-123"), "unfinished");

    byte[] first = tarOf(layout);
    byte[] second = tarOf(layout);

    assertThat(first).isEqualTo(second);
    List<String> names = names(first);
    assertThat(names.subList(0, 4))
        .containsExactly("oci-layout", "index.json", "blobs/", "blobs/sha256/");
    assertThat(names.subList(4, names.size()))
        .hasSize(3)
        .isSorted()
        .contains("blobs/sha256/" + image.layer().digest().hex());
  }

  @Test
  void extract_writtenTar_roundTripsAndResolvesTag() throws Exception {
    OciLayout src = OciLayout.create(dir.resolve("src"));
    TestImage image = TestImage.writeTo(src, "v1");

    OciLayout out = OciLayoutTar.extract(new ByteArrayInputStream(tarOf(src)), dir.resolve("out"));

    Descriptor entry = out.resolve("v1").orElseThrow();
    assertThat(entry.digest()).isEqualTo(image.manifest().digest());
    ImageManifest m = (ImageManifest) out.readManifest(entry);
    assertThat(out.readBlob(m.config())).isEqualTo(src.readBlob(image.config()));
    assertThat(out.readBlob(image.layer())).isEqualTo(src.readBlob(image.layer()));
    assertThat(out.index()).isEqualTo(src.index());
  }

  @Test
  void extract_corruptBlob_detected() throws Exception {
    String name = "blobs/sha256/" + Digests.sha256("good").hex();

    assertThatThrownBy(
            () ->
                OciLayoutTar.extract(
                    new ByteArrayInputStream(tarWith(name, TarConstants.LF_NORMAL, "evil")),
                    dir.resolve("out")))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(Digests.sha256("good").toString());
    assertThat(dir.resolve("out").resolve(name)).doesNotExist();
  }

  @Test
  void extract_pathTraversal_refused() {
    assertThatThrownBy(
            () ->
                OciLayoutTar.extract(
                    new ByteArrayInputStream(tarWith("../escape", TarConstants.LF_NORMAL, "x")),
                    dir.resolve("out")))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("outside");
    assertThat(dir.resolve("escape")).doesNotExist();
  }

  @Test
  void extract_absolutePath_refused() {
    assertThatThrownBy(
            () ->
                OciLayoutTar.extract(
                    new ByteArrayInputStream(tarWith("/tmp/abs", TarConstants.LF_NORMAL, "x")),
                    dir.resolve("out")))
        .isInstanceOf(OciLayoutException.class);
  }

  @ParameterizedTest
  @ValueSource(bytes = {TarConstants.LF_SYMLINK, TarConstants.LF_LINK, TarConstants.LF_FIFO})
  void extract_linkOrSpecialFile_refused(byte type) {
    assertThatThrownBy(
            () ->
                OciLayoutTar.extract(
                    new ByteArrayInputStream(tarWith("index.json", type, "")), dir.resolve("out")))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("only regular files and directories");
  }

  @Test
  void extract_badBlobName_refused() {
    assertThatThrownBy(
            () ->
                OciLayoutTar.extract(
                    new ByteArrayInputStream(
                        tarWith("blobs/sha256/nothex", TarConstants.LF_NORMAL, "x")),
                    dir.resolve("out")))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("not a valid blob name");
  }

  @Test
  void extract_notALayout_refused() {
    assertThatThrownBy(
            () ->
                OciLayoutTar.extract(
                    new ByteArrayInputStream(tarWith("readme", TarConstants.LF_NORMAL, "x")),
                    dir.resolve("out")))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("oci-layout is missing");
  }

  @Test
  void extract_nonEmptyTarget_refused() throws Exception {
    Files.writeString(dir.resolve("existing"), "x");
    OciLayout src = OciLayout.create(dir.resolve("src"));
    byte[] tar = tarOf(src);

    assertThatThrownBy(() -> OciLayoutTar.extract(new ByteArrayInputStream(tar), dir))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("non-empty");
  }
}
