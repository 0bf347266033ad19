package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The content of a blob to push: its digest, its size, and a way to read it. Replayable sources
 * (files, byte arrays) can be opened any number of times, which lets the client retry requests and
 * restart uploads; a one-shot source (a stream) is sent once and never retried. Implementations
 * must be safe to open from the thread that pushes.
 */
public interface BlobSource {

  /** The digest of the whole content. */
  Digest digest();

  /** The exact size of the content in bytes. */
  long size();

  /** True when {@link #openAt} may be called more than once. */
  boolean replayable();

  /**
   * Opens the content positioned at {@code offset}. The caller closes the stream.
   *
   * @throws IOException when the content cannot be read, or a one-shot source is reopened
   */
  InputStream openAt(long offset) throws IOException;

  /** A replayable source over {@code bytes} (not copied; do not modify them afterwards). */
  static BlobSource of(byte[] bytes) {
    Digest digest = Digests.sha256(bytes);
    return new BlobSource() {
      @Override
      public Digest digest() {
        return digest;
      }

      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      public boolean replayable() {
        return true;
      }

      @Override
      public InputStream openAt(long offset) {
        int from = (int) Math.min(offset, bytes.length);
        return new ByteArrayInputStream(bytes, from, bytes.length - from);
      }
    };
  }

  /**
   * A replayable source over a file whose digest and size are already known (not re-checked here;
   * the registry verifies the digest on commit).
   */
  static BlobSource ofFile(Path file, Digest digest, long size) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(digest, "digest");
    return new BlobSource() {
      @Override
      public Digest digest() {
        return digest;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public boolean replayable() {
        return true;
      }

      @Override
      public InputStream openAt(long offset) throws IOException {
        SeekableByteChannel channel = Files.newByteChannel(file);
        channel.position(offset);
        return Channels.newInputStream(channel);
      }
    };
  }

  /** A replayable source over a file, hashing it once (streamed) to learn digest and size. */
  static BlobSource ofFile(Path file) throws IOException {
    Digests.Sized sized = Digests.sha256(file);
    return ofFile(file, sized.digest(), sized.size());
  }

  /**
   * A one-shot source over a stream of known digest and size. Requests carrying it are never
   * retried and uploads are never restarted, because the bytes cannot be read again.
   */
  static BlobSource oneShot(InputStream in, Digest digest, long size) {
    Objects.requireNonNull(in, "stream");
    Objects.requireNonNull(digest, "digest");
    AtomicBoolean opened = new AtomicBoolean();
    return new BlobSource() {
      @Override
      public Digest digest() {
        return digest;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public boolean replayable() {
        return false;
      }

      @Override
      public InputStream openAt(long offset) throws IOException {
        if (offset != 0 || !opened.compareAndSet(false, true)) {
          throw new IOException("the one-shot stream of blob " + digest + " was already read");
        }
        return in;
      }
    };
  }
}
