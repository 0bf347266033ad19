package dev.kiln.solver.store;

import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reports the bytes read through it to a {@link ProgressListener} ({@code bytes(vertex, id, read,
 * total)}) every MiB and at the end of the stream. Not thread-safe (one reader).
 */
public final class ProgressInputStream extends FilterInputStream {

  private static final long REPORT_EVERY = 1 << 20;

  private final ProgressListener progress;
  private final Digest vertex;
  private final String id;
  private final long total;
  private long count;
  private long reported;

  /**
   * @param vertex the progress line
   * @param id the transfer (e.g. a blob digest)
   * @param total the expected size, or -1
   */
  public ProgressInputStream(
      InputStream in, ProgressListener progress, Digest vertex, String id, long total) {
    super(in);
    this.progress = progress;
    this.vertex = vertex;
    this.id = id;
    this.total = total;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    advance(b < 0 ? -1 : 1);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    advance(n);
    return n;
  }

  private void advance(int n) {
    if (n > 0) {
      count += n;
    }
    if (count > reported && (n < 0 || count - reported >= REPORT_EVERY)) {
      reported = count;
      progress.bytes(vertex, id, count, total);
    }
  }
}
