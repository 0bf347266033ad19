package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import dev.kiln.oci.MediaTypes.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Compressed bytes independent of the pool's size, for gzip and zstd (workers). */
class CompressionPoolTest {
  // Larger than several zstd jobs at level 3 (a job is four 2 MiB windows), so workers split it.
  private static final byte[] DATA = MixedBytes.of(24 << 20, 2024);
  private static CompressionPool one;
  private static CompressionPool two;
  private static CompressionPool four;

  @BeforeAll
  static void pools() {
    one = new CompressionPool(1);
    two = new CompressionPool(2);
    four = new CompressionPool(4);
  }

  @AfterAll
  static void stop() {
    one.close();
    two.close();
    four.close();
  }

  private static byte[] compress(CompressionPool pool, Compression c, int level, int chunk)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = pool.open(out, c, level)) {
      for (int off = 0; off < DATA.length; off += chunk) {
        z.write(DATA, off, Math.min(chunk, DATA.length - off));
        if (off % (chunk * 7) == 0) {
          z.flush(); // ignored: an upstream flush must not change the bytes
        }
      }
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void open_oneTwoFourThreads_identicalBytes(Compression c) throws Exception {
    int level = c == Compression.ZSTD ? 3 : 6;
    byte[] reference = compress(one, c, level, 1 << 20);

    assertThat(compress(two, c, level, 1 << 20)).isEqualTo(reference);
    assertThat(compress(four, c, level, 1 << 20)).isEqualTo(reference);
    assertThat(compress(four, c, level, 10_240)).isEqualTo(reference);
    // tar records, and writes around the size zstd's input is gathered to
    assertThat(compress(two, c, level, 512)).isEqualTo(reference);
    assertThat(compress(two, c, level, 300_000)).isEqualTo(reference);
  }

  @Test
  void open_zstdWithWorkers_decompressesToTheInput() throws Exception {
    byte[] z = compress(two, Compression.ZSTD, 3, 65_536);

    try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(z))) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
    }
    assertThat(z.length).isLessThan(DATA.length);
  }

  @Test
  void open_gzip_decompressesToTheInput() throws Exception {
    byte[] gz = compress(four, Compression.GZIP, 6, 65_536);

    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
    }
  }

  @Test
  void layerConcurrency_boundedByThreadsLayersAndBudget() {
    assertThat(two.layerConcurrency(Compression.GZIP, 6, 10)).isEqualTo(2);
    assertThat(four.layerConcurrency(Compression.GZIP, 6, 1)).isEqualTo(1);
    CompressionPool big = new CompressionPool(64);
    try {
      // 64 threads: each gzip stream may hold 130 blocks (~34 MiB), so one stream at a time fits.
      assertThat(big.layerConcurrency(Compression.GZIP, 6, 64)).isEqualTo(1);
      assertThat(big.layerConcurrency(Compression.ZSTD, 19, 64)).isEqualTo(1);
    } finally {
      big.close();
    }
  }
}
