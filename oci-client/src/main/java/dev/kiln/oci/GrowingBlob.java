package dev.kiln.oci;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A blob whose file is still being written, so that it can be sent while it is made (a registry
 * client's stream upload). The writer reports how many bytes the file holds ({@link #appended}),
 * then its digest and size ({@link #completed}) or its failure ({@link #failed}); a reader waits
 * for bytes beyond what it has read ({@link #read}). The file is opened when this object is made,
 * so the writer may rename or delete it afterwards. Thread-safe: one writer, one reader.
 */
public final class GrowingBlob implements Closeable {

  private final FileChannel channel;
  private long available;
  private Digest digest;
  private long size = -1;
  private IOException failure;

  /**
   * Opens {@code file}, which the caller is about to write (it must exist).
   *
   * @throws IOException if it cannot be opened for reading
   */
  public GrowingBlob(Path file) throws IOException {
    this.channel = FileChannel.open(Objects.requireNonNull(file, "file"), StandardOpenOption.READ);
  }

  /** The file now holds {@code total} bytes of the blob (written, not only buffered). */
  public synchronized void appended(long total) {
    if (total > available) {
      available = total;
      notifyAll();
    }
  }

  /** The blob is complete: {@code size} bytes hashing to {@code digest}. */
  public synchronized void completed(Digest digest, long size) {
    this.digest = Objects.requireNonNull(digest, "digest");
    this.size = size;
    this.available = size;
    notifyAll();
  }

  /** The writer failed: a reader stops with {@code cause}. */
  public synchronized void failed(IOException cause) {
    if (digest == null) {
      failure = Objects.requireNonNull(cause, "cause");
      notifyAll();
    }
  }

  /** Whether the writer reported a failure ({@link #failed}). */
  public synchronized boolean writerFailed() {
    return failure != null;
  }

  /** The digest once {@link #completed}, else null. */
  public synchronized Digest digest() {
    return digest;
  }

  /** The size once {@link #completed}, else -1. */
  public synchronized long size() {
    return size;
  }

  /**
   * Reads bytes from {@code position} into {@code into}, waiting until the writer has gone past it.
   *
   * @return the number of bytes read, or -1 at the end of a completed blob
   * @throws IOException the writer's failure, or an interruption
   */
  public int read(long position, ByteBuffer into) throws IOException {
    long limit;
    synchronized (this) {
      while (failure == null && digest == null && available <= position) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("waiting for the blob being written");
        }
      }
      if (failure != null) {
        throw new IOException("the blob could not be written: " + failure.getMessage(), failure);
      }
      if (position >= available) {
        return -1; // complete, and all read
      }
      limit = available;
    }
    int want = (int) Math.min(into.remaining(), limit - position);
    ByteBuffer slice = into.slice();
    slice.limit(want);
    int n = channel.read(slice, position);
    if (n < 0) {
      throw new IOException("the blob's file is shorter than the " + limit + " bytes reported");
    }
    into.position(into.position() + n);
    return n;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
