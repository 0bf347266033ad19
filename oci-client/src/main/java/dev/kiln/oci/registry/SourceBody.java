package dev.kiln.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A request body over a slice {@code [offset, offset+length)} of a {@link BlobSource}. Each write
 * reopens the source, so a replayable source can be sent again by a retry; a one-shot source
 * reports {@link #isOneShot()} so okhttp never replays it either.
 */
final class SourceBody extends RequestBody {

  static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");

  private final BlobSource source;
  private final long offset;
  private final long length;
  private final ProgressTracker progress;

  SourceBody(BlobSource source, long offset, long length, ProgressTracker progress) {
    this.source = source;
    this.offset = offset;
    this.length = length;
    this.progress = progress;
  }

  @Override
  public MediaType contentType() {
    return OCTET_STREAM;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public boolean isOneShot() {
    return !source.replayable();
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = length;
    try (InputStream in = source.openAt(offset)) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException(
              "blob " + source.digest() + " ended " + left + " bytes before its declared size");
        }
        sink.write(buf, 0, n);
        left -= n;
        progress.reached(offset + length - left);
      }
    }
  }
}
