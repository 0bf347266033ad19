package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class Crc32CombineTest {

  private static long crc(byte[] b, int off, int len) {
    CRC32 c = new CRC32();
    c.update(b, off, len);
    return c.getValue();
  }

  @Test
  void combine_anySplit_equalsCrcOfTheWhole() {
    byte[] data = MixedBytes.of(300_000, 7);
    long whole = crc(data, 0, data.length);
    for (int split : new int[] {0, 1, 31, 4096, 131_072, 299_999, 300_000}) {
      long a = crc(data, 0, split);
      long b = crc(data, split, data.length - split);

      assertThat(Crc32Combine.combine(a, b, Crc32Combine.shift(data.length - split)))
          .as("split at %d", split)
          .isEqualTo(whole);
    }
  }

  @Test
  void combine_manyBlocksInOrder_equalsCrcOfTheWhole() {
    byte[] data = MixedBytes.of(1_000_003, 11);
    int block = 65_536;
    long acc = 0;
    for (int off = 0; off < data.length; off += block) {
      int len = Math.min(block, data.length - off);
      acc = Crc32Combine.combine(acc, crc(data, off, len), Crc32Combine.shift(len));
    }

    assertThat(acc).isEqualTo(crc(data, 0, data.length));
  }

  @Test
  void shift_zeroBytes_isIdentity() {
    assertThat(Crc32Combine.combine(0x12345678L, 0, Crc32Combine.shift(0))).isEqualTo(0x12345678L);
  }
}
