package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.GrowingBlob;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.MediaTypes.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayerWriterTest {
  @TempDir Path tmp;

  private static List<LayerEntry> sample(Instant mtime) {
    return List.of(
        LayerEntry.builder("etc", EntryType.DIRECTORY).mtime(mtime).build(),
        LayerEntry.builder("etc/hosts", EntryType.FILE)
            .content("127.0.0.1 localhost\n".getBytes(StandardCharsets.UTF_8))
            .mtime(mtime)
            .build(),
        LayerEntry.builder("etc/link", EntryType.SYMLINK).linkTarget("hosts").mtime(mtime).build());
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void write_sameEntriesTwice_identicalBlobs(Compression c) throws Exception {
    LayerWriter w = new LayerWriter(LayerWriter.Options.defaults().withCompression(c));
    LayerBlob a = w.write(EntrySource.of(sample(Trees.T0)), tmp.resolve("a"));
    LayerBlob b = w.write(EntrySource.of(sample(Trees.T0)), tmp.resolve("b"));

    assertThat(b.digest()).isEqualTo(a.digest());
    assertThat(Files.readAllBytes(b.path())).isEqualTo(Files.readAllBytes(a.path()));
    assertThat(a.compression()).isEqualTo(c);
    assertThat(a.mediaType()).isEqualTo(MediaTypes.layerType(c, true));
  }

  @Test
  void write_differentMtimesWithClamp_identicalDigests() throws Exception {
    Instant epoch = Instant.parse("2020-01-01T00:00:00Z");
    LayerWriter w = new LayerWriter(LayerWriter.Options.defaults().withSourceDateEpoch(epoch));
    LayerBlob a = w.write(EntrySource.of(sample(Trees.T0)), tmp);
    LayerBlob b = w.write(EntrySource.of(sample(Trees.T0.plusSeconds(86_400))), tmp);
    LayerBlob unclamped =
        new LayerWriter(LayerWriter.Options.defaults())
            .write(EntrySource.of(sample(Trees.T0)), tmp);

    assertThat(b.digest()).isEqualTo(a.digest());
    assertThat(unclamped.digest()).isNotEqualTo(a.digest());
    assertThat(readTar(a.path()).get(1).getLastModifiedTime().toInstant()).isEqualTo(epoch);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void write_anyCompression_digestsMatchFileAndDecompressedTar(Compression c) throws Exception {
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults().withCompression(c).withOci(false))
            .write(EntrySource.of(sample(Trees.T0)), tmp);

    Digests.Sized onDisk = Digests.sha256(blob.path());
    assertThat(onDisk.digest()).isEqualTo(blob.digest());
    assertThat(onDisk.size()).isEqualTo(blob.size());
    assertThat(blob.path()).isEqualTo(tmp.resolve("sha256").resolve(blob.digest().hex()));
    assertThat(Digests.sha256(decompress(blob.path(), c))).isEqualTo(blob.diffId());
    assertThat(blob.mediaType()).isEqualTo(MediaTypes.layerType(c, false));
    if (c == Compression.UNCOMPRESSED) {
      assertThat(blob.diffId()).isEqualTo(blob.digest());
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void write_withTap_theBlobBeingWrittenReadsAsTheStoredBlob(Compression c) throws Exception {
    List<GrowingBlob> tapped = new ArrayList<>();
    List<byte[]> read = new ArrayList<>();
    LayerWriter w =
        new LayerWriter(LayerWriter.Options.defaults().withCompression(c))
            .withTap(
                blob -> {
                  tapped.add(blob);
                  // a reader on another thread, as a stream upload is
                  Thread t =
                      new Thread(
                          () -> {
                            ByteArrayOutputStream all = new ByteArrayOutputStream();
                            ByteBuffer buf = ByteBuffer.allocate(8192);
                            try (blob) {
                              for (long at = 0; ; ) {
                                int n = blob.read(at, buf);
                                if (n < 0) {
                                  break;
                                }
                                all.write(buf.array(), 0, n);
                                buf.clear();
                                at += n;
                              }
                            } catch (IOException e) {
                              throw new IllegalStateException(e);
                            }
                            synchronized (read) {
                              read.add(all.toByteArray());
                              read.notifyAll();
                            }
                          });
                  t.start();
                });

    LayerBlob blob = w.write(EntrySource.of(sample(Trees.T0)), tmp);

    assertThat(tapped).hasSize(1);
    synchronized (read) {
      for (int i = 0; i < 600 && read.isEmpty(); i++) {
        read.wait(100);
      }
    }
    assertThat(read).hasSize(1);
    assertThat(read.get(0)).isEqualTo(Files.readAllBytes(blob.path()));
    assertThat(tapped.get(0).digest()).isEqualTo(blob.digest());
    assertThat(tapped.get(0).size()).isEqualTo(blob.size());
  }

  @Test
  void write_withTap_aFailingSourceFailsTheBlobBeingWritten() {
    List<GrowingBlob> tapped = new ArrayList<>();
    LayerWriter w = new LayerWriter(LayerWriter.Options.defaults()).withTap(tapped::add);
    EntrySource failing =
        sink -> {
          for (LayerEntry e : sample(Trees.T0)) {
            sink.accept(e);
          }
          throw new IOException("the snapshot vanished");
        };

    assertThatThrownBy(() -> w.write(failing, tmp)).isInstanceOf(LayerException.class);
    assertThat(tapped).hasSize(1);
    assertThatThrownBy(() -> tapped.get(0).read(0, ByteBuffer.allocate(16)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the snapshot vanished");
  }

  @Test
  void write_gzip_headerHasNoMtimeNoNameAndFixedOs() throws Exception {
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults().withLevel(9))
            .write(EntrySource.of(sample(Trees.T0)), tmp);
    int[] head = Arrays10.first(blob.path(), 10);

    assertThat(head).containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
  }

  @Test
  void write_targetExists_succeedsAndLeavesNoTempFile() throws Exception {
    LayerWriter w = new LayerWriter(LayerWriter.Options.defaults());
    LayerBlob first = w.write(EntrySource.of(sample(Trees.T0)), tmp);
    LayerBlob second = w.write(EntrySource.of(sample(Trees.T0)), tmp);

    assertThat(second).isEqualTo(first);
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("sha256");
    }
  }

  @Test
  void write_sameLargeFileInTwoLayers_deflatedOnce_blobsReadBack() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 2_500_000; i++) {
      sb.append(i).append('\n');
    }
    byte[] big = sb.toString().getBytes(StandardCharsets.US_ASCII);
    try (CompressionPool pool = new CompressionPool(2)) {
      LayerWriter w = new LayerWriter(LayerWriter.Options.defaults(), pool);
      // a builder stage's output, and the final stage's COPY --from of it under another path
      LayerBlob builder =
          w.write(
              EntrySource.of(
                  List.of(
                      LayerEntry.builder("src", EntryType.DIRECTORY).mode(0755).build(),
                      LayerEntry.builder("src/seq", EntryType.FILE).content(big).build())),
              tmp.resolve("a"));
      List<LayerEntry> copy =
          List.of(
              LayerEntry.builder("data", EntryType.DIRECTORY).mode(0755).build(),
              LayerEntry.builder("data/first", EntryType.FILE)
                  .content("x".repeat(1000).getBytes(StandardCharsets.US_ASCII))
                  .build(),
              LayerEntry.builder("data/seq", EntryType.FILE).content(big).build());
      LayerBlob copied = w.write(EntrySource.of(copy), tmp.resolve("b"));
      assertThat(pool.segments().hits()).isEqualTo(1);
      for (LayerBlob b : List.of(builder, copied)) {
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(b.path()))) {
          tar = in.readAllBytes();
        }
        assertThat(Digest.sha256(Digests.newSha256().digest(tar))).isEqualTo(b.diffId());
      }
      // without the kept segment the second blob is the same
      try (CompressionPool fresh = new CompressionPool(1)) {
        LayerBlob again =
            new LayerWriter(LayerWriter.Options.defaults(), fresh)
                .write(EntrySource.of(copy), tmp.resolve("c"));
        assertThat(again.digest()).isEqualTo(copied.digest());
      }
    }
  }

  @Test
  void writeTar_everyEntryKind_readBackWithAllMetadata() throws Exception {
    String longName = "d/" + "x".repeat(150) + "/fïlé-ü.txt";
    List<LayerEntry> entries =
        List.of(
            LayerEntry.builder("d", EntryType.DIRECTORY).mode(01777).build(),
            LayerEntry.builder(longName, EntryType.FILE)
                .content("hi".getBytes(StandardCharsets.UTF_8))
                .mode(04755)
                .owner(70_000_000L, 3)
                .names("alice", "staff")
                .xattrs(Map.of("user.note", "ünïcode".getBytes(StandardCharsets.UTF_8)))
                .build(),
            LayerEntry.builder("d/sym", EntryType.SYMLINK)
                .linkTarget("/" + "y".repeat(120))
                .build(),
            LayerEntry.builder("d/null", EntryType.CHAR_DEVICE).device(1, 3).mode(0666).build(),
            LayerEntry.builder("d/sda", EntryType.BLOCK_DEVICE).device(8, 0).mode(0660).build(),
            LayerEntry.builder("d/pipe", EntryType.FIFO).mode(02644).build(),
            LayerEntry.whiteout("d/gone"),
            LayerEntry.opaque("d"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Digest diffId =
        new LayerWriter(LayerWriter.Options.defaults()).writeTar(EntrySource.of(entries), out);
    List<TarArchiveEntry> read = readTar(out.toByteArray());

    assertThat(diffId).isEqualTo(Digests.sha256(out.toByteArray()));
    assertThat(read)
        .extracting(TarArchiveEntry::getName)
        .containsExactly(
            "d/", longName, "d/sym", "d/null", "d/sda", "d/pipe", "d/.wh.gone", "d/.wh..wh..opq");
    assertThat(read.get(0).getMode() & 07777).isEqualTo(01777);
    TarArchiveEntry f = read.get(1);
    assertThat(f.getMode() & 07777).isEqualTo(04755);
    assertThat(f.getLongUserId()).isEqualTo(70_000_000L);
    assertThat(f.getLongGroupId()).isEqualTo(3);
    assertThat(f.getUserName()).isEqualTo("alice");
    assertThat(f.getGroupName()).isEqualTo("staff");
    assertThat(f.getExtraPaxHeaders()).containsEntry("SCHILY.xattr.user.note", "ünïcode");
    assertThat(read.get(2).isSymbolicLink()).isTrue();
    assertThat(read.get(2).getLinkName()).isEqualTo("/" + "y".repeat(120));
    assertThat(read.get(3).isCharacterDevice()).isTrue();
    assertThat(read.get(3).getDevMajor()).isEqualTo(1);
    assertThat(read.get(3).getDevMinor()).isEqualTo(3);
    assertThat(read.get(4).isBlockDevice()).isTrue();
    assertThat(read.get(4).getDevMajor()).isEqualTo(8);
    assertThat(read.get(5).isFIFO()).isTrue();
    assertThat(read.get(5).getMode() & 07777).isEqualTo(02644);
    assertThat(read.get(6).getSize()).isZero();
  }

  @Test
  void writeTar_paxHeaders_carryNoHostUserName() throws Exception {
    LayerEntry longOne =
        LayerEntry.builder("z".repeat(200), EntryType.FILE).content(new byte[] {1}).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LayerWriter(LayerWriter.Options.defaults()).writeTar(EntrySource.of(List.of(longOne)), out);
    byte[] tar = out.toByteArray();

    assertThat(tar[156]).isEqualTo((byte) 'x');
    for (int k = 265; k < 329; k++) {
      assertThat(tar[k]).as("uname/gname byte %d of the PAX header", k).isZero();
    }
  }

  @Test
  void writeTar_sameInodeTwice_secondBecomesHardlinkToFirst() throws Exception {
    LayerEntry.FileId id = new LayerEntry.FileId(1, 42);
    List<LayerEntry> entries =
        List.of(
            LayerEntry.builder("a", EntryType.FILE).content(new byte[] {1, 2}).fileId(id).build(),
            LayerEntry.builder("b", EntryType.FILE).content(new byte[] {1, 2}).fileId(id).build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LayerWriter(LayerWriter.Options.defaults()).writeTar(EntrySource.of(entries), out);
    List<TarArchiveEntry> read = readTar(out.toByteArray());

    assertThat(read.get(0).isFile()).isTrue();
    assertThat(read.get(0).getSize()).isEqualTo(2);
    assertThat(read.get(1).isLink()).isTrue();
    assertThat(read.get(1).getLinkName()).isEqualTo("a");
    assertThat(read.get(1).getSize()).isZero();
  }

  @Test
  void write_contentShorterThanDeclared_failsNamingFileAndLeavesNoTemp() {
    LayerEntry lying =
        LayerEntry.builder("big", EntryType.FILE)
            .content(10, () -> new ByteArrayInputStream(new byte[3]))
            .build();

    assertThatThrownBy(
            () ->
                new LayerWriter(LayerWriter.Options.defaults())
                    .write(EntrySource.of(List.of(lying)), tmp))
        .isInstanceOf(LayerException.class)
        .hasMessageContaining("'big' changed size");
    assertThat(tmp.toFile().list()).isEmpty();
  }

  @Test
  void options_levelOutOfRange_rejected() {
    assertThatThrownBy(() -> LayerWriter.Options.defaults().withLevel(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gzip level");
    assertThatThrownBy(
            () -> LayerWriter.Options.defaults().withCompression(Compression.ZSTD).withLevel(23))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zstd level");
  }

  @Test
  void layerEntry_unsafePath_rejected() {
    for (String bad : List.of("/abs", "a/../b", "a//b", "./a", "a/", "")) {
      assertThatThrownBy(() -> LayerEntry.builder(bad, EntryType.DIRECTORY).build())
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static List<LayerEntry> bigLayer(String name, long seed) {
    return List.of(
        LayerEntry.builder("data", EntryType.DIRECTORY).mtime(Trees.T0).build(),
        LayerEntry.builder("data/" + name, EntryType.FILE)
            .content(MixedBytes.of(3 << 20, seed))
            .mtime(Trees.T0)
            .build());
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void write_multiBlockLayerOnOneOrFourThreads_sameDigest(Compression c) throws Exception {
    LayerWriter.Options o = LayerWriter.Options.defaults().withCompression(c);
    try (CompressionPool one = new CompressionPool(1);
        CompressionPool four = new CompressionPool(4)) {
      LayerBlob a =
          new LayerWriter(o, one).write(EntrySource.of(bigLayer("x", 1)), tmp.resolve("a"));
      LayerBlob b =
          new LayerWriter(o, four).write(EntrySource.of(bigLayer("x", 1)), tmp.resolve("b"));

      assertThat(b.digest()).isEqualTo(a.digest());
      assertThat(b.diffId()).isEqualTo(a.diffId());
      assertThat(Digests.sha256(decompress(a.path(), c))).isEqualTo(a.diffId());
    }
  }

  @Test
  void writeAll_severalLayers_sameBlobsInOrderAsOneByOne() throws Exception {
    LayerWriter w = new LayerWriter(LayerWriter.Options.defaults());
    List<EntrySource> sources =
        List.of(
            EntrySource.of(bigLayer("a", 1)),
            EntrySource.of(sample(Trees.T0)),
            EntrySource.of(bigLayer("c", 3)));

    List<LayerBlob> all = w.writeAll(sources, tmp.resolve("all"));

    assertThat(all).hasSize(3);
    for (int i = 0; i < 3; i++) {
      LayerBlob one = w.write(sources.get(i), tmp.resolve("one"));
      assertThat(all.get(i).digest()).isEqualTo(one.digest());
      assertThat(all.get(i).diffId()).isEqualTo(one.diffId());
      assertThat(all.get(i).path()).exists();
    }
  }

  @Test
  void writeAll_oneLayerFails_throwsNamingIt() {
    LayerWriter w = new LayerWriter(LayerWriter.Options.defaults());
    LayerEntry lying =
        LayerEntry.builder("short", EntryType.FILE)
            .content(100, () -> new ByteArrayInputStream(new byte[10]))
            .mtime(Trees.T0)
            .build();

    assertThatThrownBy(
            () ->
                w.writeAll(
                    List.of(EntrySource.of(bigLayer("a", 1)), EntrySource.of(List.of(lying))),
                    tmp.resolve("all")))
        .isInstanceOf(LayerException.class)
        .hasMessageContaining("'short' changed size");
  }

  static byte[] decompress(Path blob, Compression c) throws IOException {
    try (InputStream raw = Files.newInputStream(blob);
        InputStream in =
            switch (c) {
              case GZIP -> new GZIPInputStream(raw);
              case ZSTD -> new ZstdInputStream(raw);
              case UNCOMPRESSED -> raw;
            }) {
      return in.readAllBytes();
    }
  }

  static List<TarArchiveEntry> readTar(Path gzBlob) throws IOException {
    return readTar(decompress(gzBlob, Compression.GZIP));
  }

  static List<TarArchiveEntry> readTar(byte[] tar) throws IOException {
    List<TarArchiveEntry> out = new ArrayList<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.add(e);
      }
    }
    return out;
  }

  /** Reads the first bytes of a file as unsigned ints, for header assertions. */
  static final class Arrays10 {
    static int[] first(Path p, int n) throws IOException {
      try (InputStream in = Files.newInputStream(p)) {
        byte[] b = in.readNBytes(n);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
          out[i] = b[i] & 0xff;
        }
        return out;
      }
    }
  }
}
