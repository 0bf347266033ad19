package dev.kiln.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.DigestMismatchException;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {

  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> tmpFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-")).toList();
    }
  }

  @Test
  void create_newDirectory_writesMarkerAndEmptyIndex() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("l"));

    assertThat(Files.readString(dir.resolve("l/oci-layout")))
        .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
    assertThat(Files.readString(dir.resolve("l/index.json")))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_INDEX
                + "\",\"manifests\":[]}");
    assertThat(layout.index().manifests()).isEmpty();
    assertThat(Files.isDirectory(dir.resolve("l/blobs"))).isTrue();
  }

  @Test
  void create_existingLayout_keepsIndex() throws Exception {
    OciLayout first = OciLayout.create(dir);
    Descriptor d = first.writeBlob("application/octet-stream", utf8("x"));
    first.tag("t", d);

    OciLayout again = OciLayout.create(dir);

    assertThat(again.resolve("t")).isPresent();
  }

  @Test
  void open_missingMarker_throwsNamingDirectory() {
    assertThatThrownBy(() -> OciLayout.open(dir))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("oci-layout is missing");
  }

  @Test
  void open_otherVersion_throws() throws Exception {
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");

    assertThatThrownBy(() -> OciLayout.open(dir))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining("'2.0.0'");
  }

  @Test
  void writeBlob_bytes_storedUnderDigestAndIdempotent() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    byte[] content = utf8("hello");

    Descriptor d = layout.writeBlob("text/plain", content);
    Descriptor again = layout.writeBlob("text/plain", content);

    assertThat(d).isEqualTo(again);
    assertThat(d.digest()).isEqualTo(Digests.sha256(content));
    assertThat(d.size()).isEqualTo(5);
    assertThat(dir.resolve("blobs/sha256/" + d.digest().hex())).hasBinaryContent(content);
    assertThat(layout.readBlob(d)).isEqualTo(content);
    assertThat(tmpFiles(dir)).isEmpty();
  }

  @Test
  void writeBlob_stream_hashesWhileWriting() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    byte[] content = new byte[200_000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31);
    }

    Descriptor d = layout.writeBlob("x/y", new ByteArrayInputStream(content));

    assertThat(d).isEqualTo(Descriptor.of("x/y", Digests.sha256(content), content.length));
    assertThat(layout.readBlob(d)).isEqualTo(content);
    assertThat(tmpFiles(dir)).isEmpty();
  }

  @Test
  void writeBlob_expectedDescriptorMatches_stored() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    byte[] content = utf8("payload");
    Descriptor expected = Descriptor.of("x/y", Digests.sha256(content), content.length);

    layout.writeBlob(expected, new ByteArrayInputStream(content));

    assertThat(layout.hasBlob(expected.digest())).isTrue();
    assertThat(layout.readBlob(expected)).isEqualTo(content);
  }

  @Test
  void writeBlob_wrongDigest_rejectedAndNothingStored() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    byte[] content = utf8("payload");
    Descriptor expected = Descriptor.of("x/y", Digests.sha256("other"), content.length);

    assertThatThrownBy(() -> layout.writeBlob(expected, new ByteArrayInputStream(content)))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(Digests.sha256(content).toString());
    assertThat(layout.hasBlob(expected.digest())).isFalse();
    assertThat(tmpFiles(dir)).isEmpty();
  }

  @Test
  void writeBlob_wrongSize_rejected() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    byte[] content = utf8("payload");
    Descriptor expected = Descriptor.of("x/y", Digests.sha256(content), 99);

    assertThatThrownBy(() -> layout.writeBlob(expected, new ByteArrayInputStream(content)))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("expected 99 bytes");
    assertThat(layout.hasBlob(expected.digest())).isFalse();
  }

  @Test
  void readBlob_corruptFile_detected() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    Descriptor d = layout.writeBlob("x/y", utf8("original"));
    Files.write(layout.blobPath(d.digest()), utf8("tampered"));

    assertThatThrownBy(() -> layout.readBlob(d))
        .isInstanceOf(DigestMismatchException.class)
        .satisfies(e -> assertThat(((DigestMismatchException) e).expected()).isEqualTo(d.digest()));
  }

  @Test
  void openBlob_corruptFile_failsAtEndOfStream() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    Descriptor d = layout.writeBlob("x/y", utf8("original"));
    Files.write(layout.blobPath(d.digest()), utf8("tampered"));

    try (InputStream in = layout.openBlob(d.digest())) {
      assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream()))
          .isInstanceOf(DigestMismatchException.class);
      assertThatThrownBy(in::read).isInstanceOf(DigestMismatchException.class);
    }
  }

  @Test
  void readBlob_missing_throwsNamingDigest() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    Descriptor d = Descriptor.of("x/y", Digests.sha256("absent"), 6);

    assertThatThrownBy(() -> layout.readBlob(d))
        .isInstanceOf(OciLayoutException.class)
        .hasMessageContaining(d.digest().toString());
  }

  @Test
  void tag_newAndReplaced_resolvesAndKeepsOtherEntries() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    Descriptor a = layout.writeBlob(MediaTypes.OCI_MANIFEST, utf8("{\"a\":1}"));
    Descriptor b = layout.writeBlob(MediaTypes.OCI_MANIFEST, utf8("{\"b\":1}"));
    Descriptor untagged = layout.writeBlob(MediaTypes.OCI_MANIFEST, utf8("{\"c\":1}"));
    layout.writeIndex(ImageIndex.oci(List.of(untagged)));

    layout.tag("v1", a);
    layout.tag("latest", a);
    layout.tag("v1", b);

    assertThat(layout.tags()).containsExactly("v1", "latest");
    assertThat(layout.resolve("v1")).get().extracting(Descriptor::digest).isEqualTo(b.digest());
    assertThat(layout.resolve("latest")).get().extracting(Descriptor::digest).isEqualTo(a.digest());
    assertThat(layout.resolve("nope")).isEmpty();
    assertThat(layout.index().manifests()).hasSize(3).first().isEqualTo(untagged);
    assertThat(layout.resolve("v1").orElseThrow().annotation(OciLayout.REF_NAME)).isEqualTo("v1");
  }

  @Test
  void tag_emptyName_rejected() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    Descriptor a = layout.writeBlob(MediaTypes.OCI_MANIFEST, utf8("{}"));

    assertThatThrownBy(() -> layout.tag("", a)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writeImage_readBack_manifestConfigAndLayerVerify() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    TestImage image = TestImage.writeTo(layout, "1.0");

    OciLayout reopened = OciLayout.open(dir);
    Descriptor entry = reopened.resolve("1.0").orElseThrow();
    ImageManifest manifest = (ImageManifest) reopened.readManifest(entry);
    ImageConfig config = OciJson.parse(reopened.readBlob(manifest.config()), ImageConfig.class);

    assertThat(entry.digest()).isEqualTo(image.manifest().digest());
    assertThat(entry.platform()).hasToString("linux/amd64");
    assertThat(manifest.layers()).containsExactly(image.layer());
    assertThat(config.diffIds()).containsExactly(image.diffId());
    assertThat(config.history())
        .extracting(ImageConfig.History::createdBy)
        .containsExactly(TestImage.CREATED_BY);
    assertThat(reopened.readBlob(image.layer())).hasSize((int) image.layer().size());
  }

  @Test
  void blobPath_sha512_usesAlgorithmDirectory() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    Digest d = Digest.parse("sha512:" + "ab".repeat(64));

    assertThat(layout.blobPath(d)).isEqualTo(dir.resolve("blobs/sha512/" + "ab".repeat(64)));
  }
}
