package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pigz-style gzip: one standard member, the same bytes whatever the threads and write sizes. */
class ParallelGzipOutputStreamTest {
  private static final int BLOCK = ParallelGzipOutputStream.BLOCK_SIZE;
  private static ExecutorService one;
  private static ExecutorService two;
  private static ExecutorService four;

  @BeforeAll
  static void pools() {
    one = Executors.newFixedThreadPool(1);
    two = Executors.newFixedThreadPool(2);
    four = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stop() {
    one.shutdownNow();
    two.shutdownNow();
    four.shutdownNow();
  }

  private static byte[] gzip(byte[] data, int level, ExecutorService pool, int chunk)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, level, pool, 6)) {
      for (int off = 0; off < data.length; off += chunk) {
        gz.write(data, off, Math.min(chunk, data.length - off));
      }
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 1000, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 5 * BLOCK + 17})
  void write_anySize_gunzipsToTheInput(int size) throws Exception {
    byte[] data = MixedBytes.of(size, size);

    byte[] gz = gzip(data, 6, two, 10_000);

    assertThat(gunzip(gz)).isEqualTo(data);
  }

  @Test
  void write_oneToFourThreadsAndAnyWriteSizes_identicalBytes() throws Exception {
    byte[] data = MixedBytes.of(3_000_000, 42);

    byte[] reference = gzip(data, 6, one, 1 << 20);

    assertThat(gzip(data, 6, two, 1 << 20)).isEqualTo(reference);
    assertThat(gzip(data, 6, four, 1 << 20)).isEqualTo(reference);
    assertThat(gzip(data, 6, four, 8191)).isEqualTo(reference);
    assertThat(gzip(data, 6, two, data.length)).isEqualTo(reference);
    assertThat(gunzip(reference)).isEqualTo(data);
  }

  @Test
  void write_randomBlocksBetweenText_storedNotSearched_roundTripsAndSameBytesForAnyThreads()
      throws Exception {
    byte[] random = new byte[3 * BLOCK];
    new java.util.Random(7).nextBytes(random);
    byte[] text = "kiln layer text line, compressible\n".repeat(3 * BLOCK / 35).getBytes();
    ByteArrayOutputStream mixed = new ByteArrayOutputStream();
    mixed.write(text);
    mixed.write(random);
    mixed.write(text);
    byte[] data = mixed.toByteArray();

    byte[] reference = gzip(data, 6, one, 1 << 20);

    assertThat(ParallelGzipOutputStream.incompressible(random, BLOCK)).isTrue();
    assertThat(ParallelGzipOutputStream.incompressible(text, BLOCK)).isFalse();
    assertThat(gunzip(reference)).isEqualTo(data);
    assertThat(gzip(data, 6, four, 8191)).isEqualTo(reference);
    // the random part costs its size plus a few bytes of stored-block headers per 64 KiB; the
    // text around it still compresses
    assertThat(reference.length).isBetween(random.length, random.length + 16 * 1024);
    assertThat(gzip(random, 9, two, random.length).length)
        .isBetween(random.length, random.length + 256);
  }

  @Test
  void write_oneByteAtATime_sameBytesAsLargeWrites() throws Exception {
    byte[] data = MixedBytes.of(BLOCK + 500, 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, two, 3)) {
      for (byte b : data) {
        gz.write(b);
      }
    }

    assertThat(out.toByteArray()).isEqualTo(gzip(data, 6, four, data.length));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 6, 9})
  void write_everyLevel_roundTrips(int level) throws Exception {
    byte[] data = MixedBytes.of(3 * BLOCK + 99, level);

    assertThat(gunzip(gzip(data, level, two, 65_536))).isEqualTo(data);
  }

  @Test
  void write_defaultLevel_isLevelSix() throws Exception {
    byte[] data = MixedBytes.of(2 * BLOCK + 5, 9);

    assertThat(gzip(data, Deflater.DEFAULT_COMPRESSION, two, 4096))
        .isEqualTo(gzip(data, 6, two, 4096));
  }

  @Test
  void finish_writesTheFixedHeaderAndACrcAndLengthTrailer() throws Exception {
    byte[] data = MixedBytes.of(4 * BLOCK + 3, 5);
    CRC32 crc = new CRC32();
    crc.update(data);

    byte[] gz = gzip(data, 6, two, 100_000);

    assertThat(Arrays.copyOf(gz, 10)).containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
    int n = gz.length;
    long trailerCrc =
        (gz[n - 8] & 0xffL)
            | (gz[n - 7] & 0xffL) << 8
            | (gz[n - 6] & 0xffL) << 16
            | (gz[n - 5] & 0xffL) << 24;
    long trailerLen =
        (gz[n - 4] & 0xffL)
            | (gz[n - 3] & 0xffL) << 8
            | (gz[n - 2] & 0xffL) << 16
            | (gz[n - 1] & 0xffL) << 24;
    assertThat(trailerCrc).isEqualTo(crc.getValue());
    assertThat(trailerLen).isEqualTo(data.length);
  }

  @Test
  void write_compressibleInput_usesEarlierBlocksAsDictionary() throws Exception {
    // Random bytes whose last 20 KiB before the first block boundary repeat right after it: only
    // the previous block's tail as preset dictionary lets the second block refer back to them.
    int repeat = 20 * 1024;
    byte[] data = new byte[BLOCK + repeat];
    byte[] random = new byte[BLOCK];
    new Random(1).nextBytes(random);
    System.arraycopy(random, 0, data, 0, BLOCK);
    System.arraycopy(random, BLOCK - repeat, data, BLOCK, repeat);

    byte[] gz = gzip(data, 6, two, 4096);

    assertThat(gz.length).isLessThan(BLOCK + 2048);
    assertThat(gunzip(gz)).isEqualTo(data);
  }

  @Test
  void write_manyBlocks_neverMoreBlocksOutstandingThanTheBound() throws Exception {
    List<Future<?>> submitted = new ArrayList<>();
    AtomicInteger max = new AtomicInteger();
    Executor counting =
        task -> {
          submitted.add((Future<?>) task);
          max.accumulateAndGet(
              (int) submitted.stream().filter(f -> !f.isDone()).count(), Math::max);
          four.execute(task);
        };
    byte[] data = MixedBytes.of(40 * BLOCK, 8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, counting, 3)) {
      gz.write(data);
    }

    assertThat(max.get()).isBetween(1, 3);
    assertThat(gunzip(out.toByteArray())).isEqualTo(data);
  }

  @Test
  void write_afterFinish_fails() throws Exception {
    ParallelGzipOutputStream gz =
        new ParallelGzipOutputStream(OutputStream.nullOutputStream(), 6, two, 2);
    gz.finish();

    assertThatThrownBy(() -> gz.write(1)).isInstanceOf(IOException.class);
  }

  @Test
  void constructor_badLevel_fails() {
    assertThatThrownBy(
            () -> new ParallelGzipOutputStream(OutputStream.nullOutputStream(), 10, two, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1..9");
  }
}
