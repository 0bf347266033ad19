package dev.kiln.solver.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The compressions Docker's {@code archive.DetectCompression} recognises by magic bytes, for ADD
 * archives: gzip ({@code 1f 8b 08}), bzip2 ({@code BZh}), xz ({@code fd 37 7a 58 5a 00}), zstd
 * (frame {@code 28 b5 2f fd} or a skippable frame {@code 5? 2a 4d 18}), else none (plain tar).
 */
enum ArchiveCompression {
  NONE,
  GZIP,
  BZIP2,
  XZ,
  ZSTD;

  /** How many leading bytes {@link #detect} looks at. */
  static final int MAGIC_BYTES = 6;

  /** The compression whose magic {@code head} starts with (it may be shorter than 6 bytes). */
  static ArchiveCompression detect(byte[] head) {
    if (startsWith(head, 0x1f, 0x8b, 0x08)) {
      return GZIP;
    }
    if (startsWith(head, 'B', 'Z', 'h')) {
      return BZIP2;
    }
    if (startsWith(head, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
      return XZ;
    }
    if (startsWith(head, 0x28, 0xb5, 0x2f, 0xfd)
        || (head.length >= 4
            && (head[0] & 0xf0) == 0x50
            && startsWith(new byte[] {head[1], head[2], head[3]}, 0x2a, 0x4d, 0x18))) {
      return ZSTD;
    }
    return NONE;
  }

  /** A decompressing stream over {@code in}, which must be positioned at the magic bytes. */
  InputStream open(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 64 * 1024);
      case BZIP2 -> new BZip2CompressorInputStream(in, true);
      case XZ ->
          XZCompressorInputStream.builder()
              .setInputStream(in)
              .setDecompressConcatenated(true)
              .get();
      case ZSTD -> new ZstdInputStreamNoFinalizer(in);
    };
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
