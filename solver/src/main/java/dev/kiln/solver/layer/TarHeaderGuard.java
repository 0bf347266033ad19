package dev.kiln.solver.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Follows the 512-byte block structure of a tar stream as it passes through and fails before the
 * tar reader buffers an oversized PAX or GNU long-name header in memory: commons-compress reads
 * those headers whole. Only the header type and size fields are inspected; everything else is left
 * to the tar reader. Not thread-safe.
 */
final class TarHeaderGuard extends FilterInputStream {
  private final String layer;
  private final long maxMetaHeader;
  private final byte[] header = new byte[512];
  private int headerFill;
  private long dataLeft;
  private boolean ended;
  private java.io.ByteArrayOutputStream pax;
  private long paxSize;
  private long nextSizeOverride = -1;

  /** Carries the rejection through the {@link InputStream} API; unwrapped by the applier. */
  static final class Rejected extends IOException {
    private final transient LayerException reason;

    Rejected(LayerException reason) {
      super(reason.getMessage(), reason);
      this.reason = reason;
    }

    LayerException reason() {
      return reason;
    }
  }

  /** {@code layer} names the stream in messages, e.g. {@code layer sha256:…}. */
  TarHeaderGuard(InputStream in, String layer, long maxMetaHeader) {
    super(in);
    this.layer = layer;
    this.maxMetaHeader = maxMetaHeader;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0 && !ended) {
      inspect(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
    long left = n;
    while (left > 0) {
      int r = read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        break;
      }
      left -= r;
    }
    return n - left;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void inspect(byte[] b, int off, int n) throws IOException {
    int i = off;
    int end = off + n;
    while (i < end && !ended) {
      if (dataLeft > 0) {
        int skip = (int) Math.min(dataLeft, end - i);
        if (pax != null) {
          int keep = (int) Math.min(skip, paxSize - pax.size());
          pax.write(b, i, Math.max(0, keep));
        }
        dataLeft -= skip;
        i += skip;
        if (dataLeft == 0 && pax != null) {
          nextSizeOverride = paxSizeRecord(pax.toByteArray());
          pax = null;
        }
        continue;
      }
      int take = Math.min(512 - headerFill, end - i);
      System.arraycopy(b, i, header, headerFill, take);
      headerFill += take;
      i += take;
      if (headerFill == 512) {
        headerFill = 0;
        onHeader();
      }
    }
  }

  /** The value of a {@code size} record in PAX header content, or -1. */
  private long paxSizeRecord(byte[] content) throws IOException {
    String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
    for (String rec : text.split("\n")) {
      int sp = rec.indexOf(' ');
      int eq = rec.indexOf('=');
      if (sp > 0 && eq > sp && rec.substring(sp + 1, eq).equals("size")) {
        try {
          return Long.parseLong(rec.substring(eq + 1));
        } catch (NumberFormatException e) {
          throw reject(new LayerException(layer + ": malformed PAX size record"));
        }
      }
    }
    return -1;
  }

  private Rejected reject(LayerException e) {
    return new Rejected(e);
  }

  private void onHeader() throws IOException {
    boolean zero = true;
    for (byte x : header) {
      if (x != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      // End-of-archive marker: the rest is padding the tar reader checks itself.
      ended = true;
      return;
    }
    long size = parseSize();
    byte type = header[156];
    boolean meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
    if (meta && size > maxMetaHeader) {
      throw reject(
          new UnsafeLayerException(
              layer
                  + ": a '"
                  + (char) type
                  + "' extended header of "
                  + size
                  + " bytes exceeds the limit of "
                  + maxMetaHeader
                  + " bytes"));
    }
    if (type == 'x') {
      pax = new java.io.ByteArrayOutputStream((int) size);
      paxSize = size;
    } else if (!meta && nextSizeOverride >= 0) {
      size = nextSizeOverride;
      nextSizeOverride = -1;
    }
    // Devices, links and directories have no data blocks whatever their size field says.
    boolean hasData =
        type != '1' && type != '2' && type != '3' && type != '4' && type != '5' && type != '6';
    dataLeft = hasData ? (size + 511) / 512 * 512 : 0;
    if (dataLeft == 0) {
      pax = null;
    }
  }

  private long parseSize() throws IOException {
    if ((header[124] & 0x80) != 0) {
      // Base-256 (GNU/star): big-endian binary in the remaining bytes.
      long v = 0;
      for (int k = 125; k < 136; k++) {
        if ((v >>> 55) != 0) {
          throw reject(new UnsafeLayerException(layer + ": tar entry size does not fit 63 bits"));
        }
        v = (v << 8) | (header[k] & 0xff);
      }
      return v;
    }
    long v = 0;
    for (int k = 124; k < 136; k++) {
      byte c = header[k];
      if (c == 0 || c == ' ') {
        if (v != 0) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        throw reject(new LayerException(layer + ": malformed tar header size field"));
      }
      v = (v << 3) | (c - '0');
    }
    return v;
  }
}
