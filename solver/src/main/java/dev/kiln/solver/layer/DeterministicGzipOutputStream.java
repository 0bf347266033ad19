package dev.kiln.solver.layer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A gzip member with a fixed header: mtime 0, no file name, no extra flags, OS byte 255 ("unknown",
 * as Go's compress/gzip writes). {@code java.util.zip.GZIPOutputStream} is not used because it
 * cannot take a level and its OS byte changed between JDK releases, which would change blob
 * digests. {@link #finish()} writes the trailer without closing the target.
 */
final class DeterministicGzipOutputStream extends FilterOutputStream {
  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff
  };

  private final Deflater deflater;
  private final DeflaterOutputStream deflate;
  private final CRC32 crc = new CRC32();
  private long length;
  private boolean finished;

  DeterministicGzipOutputStream(OutputStream out, int level) throws IOException {
    super(out);
    this.deflater = new Deflater(level, true);
    out.write(HEADER);
    this.deflate = new DeflaterOutputStream(out, deflater, 64 * 1024);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    deflate.write(b, off, len);
    crc.update(b, off, len);
    length += len;
  }

  /** Ends the deflate stream and writes CRC32 and ISIZE, little-endian. Idempotent. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    deflate.finish();
    deflater.end();
    writeIntLe((int) crc.getValue());
    writeIntLe((int) length);
  }

  private void writeIntLe(int v) throws IOException {
    out.write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
  }

  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }
}
