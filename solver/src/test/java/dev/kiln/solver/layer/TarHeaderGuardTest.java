package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built tar headers for the paths commons-compress' writer does not produce cheaply. */
class TarHeaderGuardTest {
  @TempDir Path snap;

  @Test
  void apply_paxSizeRecordOverridingUstarSize_dataBlocksFollowed() throws Exception {
    // As for files over 8 GiB: the ustar size field says 0, the PAX "size" record the truth.
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    byte[] pax = record("size", "600");
    tar.write(header("PaxHeaders/big", 'x', pax.length));
    tar.write(padded(pax));
    tar.write(header("big", '0', 0));
    byte[] content = "y".repeat(600).getBytes(StandardCharsets.US_ASCII);
    tar.write(padded(content));
    tar.write(header("after", '0', 2));
    tar.write(padded("ok".getBytes(StandardCharsets.US_ASCII)));
    tar.write(new byte[1024]);

    LayerApplier.Result r =
        new LayerApplier(LayerApplier.Options.detect())
            .apply("hand", new ByteArrayInputStream(tar.toByteArray()), snap, null);

    assertThat(r.entries()).isEqualTo(2);
    assertThat(Files.size(snap.resolve("big"))).isEqualTo(600);
    assertThat(snap.resolve("after")).hasContent("ok");
  }

  @Test
  void apply_hugeGnuLongName_rejected() throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.write(header("././@LongLink", 'L', 1L << 32));
    tar.write(new byte[512]);

    assertThatThrownBy(
            () ->
                new LayerApplier(LayerApplier.Options.detect())
                    .apply("hand", new ByteArrayInputStream(tar.toByteArray()), snap, null))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessageContaining("layer hand: a 'L' extended header of 4294967296 bytes");
  }

  private static byte[] record(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int len = body.length() + 1;
    while (Integer.toString(len).length() + body.length() != len) {
      len++;
    }
    return (len + body).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] padded(byte[] data) {
    byte[] out = new byte[(data.length + 511) / 512 * 512];
    System.arraycopy(data, 0, out, 0, data.length);
    return out;
  }

  private static byte[] header(String name, char type, long size) throws IOException {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644\0");
    put(h, 108, "0000000\0");
    put(h, 116, "0000000\0");
    put(h, 124, String.format("%011o", size) + "\0");
    put(h, 136, "00000000000\0");
    h[156] = (byte) type;
    put(h, 257, "ustar\0");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum) + "\0 ");
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
