package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers checked by independent tools: GNU tar, gzip and zstd from Debian. */
class LayerToolsIT {
  @TempDir Path tmp;

  private List<LayerEntry> entries() {
    Instant t = Instant.parse("2023-05-06T07:08:09Z");
    return List.of(
        LayerEntry.builder("usr", EntryType.DIRECTORY).mtime(t).build(),
        LayerEntry.builder("usr/bin", EntryType.DIRECTORY).mtime(t).build(),
        LayerEntry.builder("usr/bin/tool", EntryType.FILE)
            .content("hello\n".getBytes())
            .mode(04755)
            .owner(1000, 1000)
            .names("dev", "dev")
            .mtime(t)
            .fileId(new LayerEntry.FileId(1, 7))
            .build(),
        LayerEntry.builder("usr/bin/tool2", EntryType.FILE)
            .content("hello\n".getBytes())
            .fileId(new LayerEntry.FileId(1, 7))
            .mtime(t)
            .build(),
        LayerEntry.builder("usr/bin/sh", EntryType.SYMLINK).linkTarget("tool").mtime(t).build(),
        LayerEntry.builder("dev-null", EntryType.CHAR_DEVICE)
            .device(1, 3)
            .mode(0666)
            .mtime(t)
            .build(),
        LayerEntry.builder("usr/" + "long".repeat(40), EntryType.FILE)
            .content(new byte[0])
            .xattrs(Map.of("user.k", "v".getBytes()))
            .mtime(t)
            .build(),
        LayerEntry.whiteout("usr/gone"));
  }

  @Test
  void write_uncompressed_gnuTarListsEntries() throws Exception {
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults().withCompression(Compression.UNCOMPRESSED))
            .write(EntrySource.of(entries()), tmp);

    String listing =
        Trees.output("tar", "--utc", "--numeric-owner", "-tvf", blob.path().toString());
    List<String> lines = listing.lines().toList();

    assertThat(lines).hasSize(8);
    assertThat(lines.get(0)).matches("drwxr-xr-x 0/0 +0 2023-05-06 07:08 usr/");
    assertThat(lines.get(2)).matches("-rwsr-xr-x 1000/1000 +6 2023-05-06 07:08 usr/bin/tool");
    assertThat(lines.get(3))
        .matches("hrw-r--r-- 0/0 +0 2023-05-06 07:08 usr/bin/tool2 link to usr/bin/tool");
    assertThat(lines.get(4)).matches("lrwxrwxrwx 0/0 +0 2023-05-06 07:08 usr/bin/sh -> tool");
    assertThat(lines.get(5)).matches("crw-rw-rw- 0/0 +1,3 2023-05-06 07:08 dev-null");
    assertThat(lines.get(6)).endsWith("usr/" + "long".repeat(40));
    assertThat(lines.get(7)).matches("---------- 0/0 +0 1970-01-01 00:00 usr/.wh.gone");
  }

  @Test
  void write_gzipAndZstd_cliDecompressionMatchesDiffId() throws Exception {
    for (Compression c : List.of(Compression.GZIP, Compression.ZSTD)) {
      Path out = tmp.resolve(c.name());
      LayerBlob blob =
          new LayerWriter(LayerWriter.Options.defaults().withCompression(c))
              .write(EntrySource.of(entries()), out);
      Path tar = out.resolve("layer.tar");
      String tool = c == Compression.GZIP ? "gzip" : "zstd";
      Trees.run("sh", "-c", tool + " -d -c < '" + blob.path() + "' > '" + tar + "'");

      assertThat(Digests.sha256(tar).digest()).as(tool).isEqualTo(blob.diffId());
      assertThat(Trees.output("tar", "-tf", tar.toString())).contains("usr/bin/tool");
    }
  }

  @Test
  void write_multiBlockParallelGzip_gzipAndPigzDecompressToTheDiffId() throws Exception {
    // 5 MiB of mixed text and random bytes: 40 parallel-deflated blocks in one gzip member.
    List<LayerEntry> big =
        List.of(
            LayerEntry.builder("big.bin", EntryType.FILE)
                .content(MixedBytes.of(5 << 20, 77))
                .mtime(Instant.parse("2023-05-06T07:08:09Z"))
                .build());
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults()).write(EntrySource.of(big), tmp);

    for (String tool : List.of("gzip", "pigz")) {
      Path tar = tmp.resolve(tool + ".tar");
      Trees.run("sh", "-c", tool + " -d -c < '" + blob.path() + "' > '" + tar + "'");
      assertThat(Digests.sha256(tar).digest()).as(tool).isEqualTo(blob.diffId());
    }
    // One member: gzip -l reports the uncompressed size of exactly one.
    assertThat(Trees.output("gzip", "-l", blob.path().toString()).lines().count()).isEqualTo(2);
  }

  @Test
  void apply_gnuTarCreatedLayer_extractsLikeTar() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Trees.file(src, "a/b.txt", "from gnu tar", 0640);
    Files.createSymbolicLink(src.resolve("a/ln"), Path.of("b.txt"));
    Files.createLink(src.resolve("a/hard"), src.resolve("a/b.txt"));
    Trees.settleDirTimes(src);
    Files.setLastModifiedTime(src.resolve("a"), FileTime.from(Trees.T0));
    Path blob = tmp.resolve("gnu.tar.gz");
    Trees.run("tar", "--format=pax", "-czf", blob.toString(), "-C", src.toString(), ".");
    Path snap = Files.createDirectory(tmp.resolve("snap"));

    LayerApplier.Result r = new LayerApplier(LayerApplier.Options.detect()).apply(blob, snap, null);

    Path plain = tmp.resolve("plain.tar");
    Trees.run("sh", "-c", "gzip -d -c < '" + blob + "' > '" + plain + "'");
    assertThat(r.diffId()).isEqualTo(Digests.sha256(plain).digest());
    assertThat(Trees.describe(snap)).isEqualTo(Trees.describe(src));
  }
}
