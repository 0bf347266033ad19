package dev.kiln.solver.layer;

import dev.kiln.core.port.BlobTap;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests.CountingDigestOutputStream;
import dev.kiln.oci.GrowingBlob;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.MediaTypes.Compression;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * Turns a sequence of {@link LayerEntry entries} into a layer blob in one streaming pass: tar (PAX)
 * → sha256 of the tar (diffID) → compression → sha256 and count of the blob → a temp file in the
 * target directory, atomically renamed to {@code <targetDir>/<algorithm>/<hex>} (an existing target
 * counts as success). The same entries always give the same bytes: gzip headers carry no time or
 * name, PAX headers no host user, and mtimes are whole seconds, clamped when {@link
 * Options#sourceDateEpoch()} is set. Immutable and thread-safe; each call writes its own file.
 */
public final class LayerWriter {

  /**
   * How layers are written.
   *
   * @param compression gzip, zstd or uncompressed
   * @param level gzip 0–9 or -1 (zlib default); zstd -7–22; ignored when uncompressed
   * @param oci OCI media types when true, Docker schema 2 types otherwise
   * @param sourceDateEpoch when not null, every mtime later than it is written as it
   */
  public record Options(Compression compression, int level, boolean oci, Instant sourceDateEpoch) {

    /** Validates the level for the compression. */
    public Options {
      Objects.requireNonNull(compression, "compression");
      if (compression == Compression.GZIP && (level < -1 || level > 9)) {
        throw new IllegalArgumentException("gzip level must be -1..9, got " + level);
      }
      if (compression == Compression.ZSTD && (level < -7 || level > 22)) {
        throw new IllegalArgumentException("zstd level must be -7..22, got " + level);
      }
    }

    /** OCI gzip at zlib's default level, as BuildKit writes by default; no clamp. */
    public static Options defaults() {
      return new Options(Compression.GZIP, -1, true, null);
    }

    /** The same options with another compression at its default level (gzip -1, zstd 3). */
    public Options withCompression(Compression c) {
      return new Options(
          c, c == Compression.ZSTD ? 3 : c == Compression.GZIP ? -1 : 0, oci, sourceDateEpoch);
    }

    /** The same options with another level. */
    public Options withLevel(int newLevel) {
      return new Options(compression, newLevel, oci, sourceDateEpoch);
    }

    /** The same options with OCI (true) or Docker (false) media types. */
    public Options withOci(boolean newOci) {
      return new Options(compression, level, newOci, sourceDateEpoch);
    }

    /** The same options with an mtime clamp (null for none). */
    public Options withSourceDateEpoch(Instant epoch) {
      return new Options(compression, level, oci, epoch);
    }
  }

  private final Options options;
  private final CompressionPool pool;
  private final BlobTap tap;

  /** A writer with the given options, compressing on {@link CompressionPool#shared()}. */
  public LayerWriter(Options options) {
    this(options, CompressionPool.shared());
  }

  /** A writer with the given options, compressing on {@code pool}. */
  public LayerWriter(Options options, CompressionPool pool) {
    this(options, pool, null);
  }

  private LayerWriter(Options options, CompressionPool pool, BlobTap tap) {
    this.options = Objects.requireNonNull(options, "options");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.tap = tap;
  }

  /**
   * This writer telling {@code tap} (null for none) of each blob as it begins to write it, and of
   * the bytes as they reach the file, so that they can be sent while the blob is made.
   */
  public LayerWriter withTap(BlobTap tap) {
    return new LayerWriter(options, pool, tap);
  }

  /** This writer's options. */
  public Options options() {
    return options;
  }

  /**
   * Writes several layers, as {@link #write} each, compressing up to as many at once as the pool's
   * threads and its buffer budget allow; the results are in the order of {@code sources}. The first
   * failure stops the others and is thrown.
   *
   * @throws LayerException naming the layer that failed
   */
  public List<LayerBlob> writeAll(List<? extends EntrySource> sources, Path targetDir)
      throws LayerException {
    List<Callable<LayerBlob>> tasks = new ArrayList<>();
    for (EntrySource s : sources) {
      tasks.add(() -> write(s, targetDir));
    }
    int concurrency = pool.layerConcurrency(options.compression(), options.level(), sources.size());
    try {
      return CompressionPool.runAll(tasks, concurrency);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LayerException le) {
        throw le;
      }
      throw new LayerException("writing layers to " + targetDir + ": " + e.getCause(), e);
    } catch (InterruptedIOException e) {
      throw new LayerException("writing layers to " + targetDir + ": interrupted", e);
    }
  }

  /**
   * Writes the entries of {@code source} as a blob under {@code targetDir} (created if missing).
   *
   * @throws LayerException naming the entry or file when reading or writing fails
   */
  public LayerBlob write(EntrySource source, Path targetDir) throws LayerException {
    Path tmp = null;
    GrowingBlob growing = null;
    try {
      Files.createDirectories(targetDir);
      tmp = Files.createTempFile(targetDir, ".layer-", ".tmp");
      growing = tap == null ? null : tapped(tmp);
      Digest diffId;
      CountingDigestOutputStream blobHash;
      OutputStream raw = Files.newOutputStream(tmp);
      try (OutputStream file =
          new BufferedOutputStream(growing == null ? raw : new Reporting(raw, growing), 1 << 18)) {
        blobHash = new CountingDigestOutputStream(file, Digest.SHA256);
        try (OutputStream compressor =
            pool.open(blobHash, options.compression(), options.level())) {
          diffId = writeTar(source, compressor);
        }
      }
      Digest digest = blobHash.digest();
      if (growing != null) {
        growing.completed(digest, blobHash.count());
        growing = null;
      }
      Path target = targetDir.resolve(digest.algorithm()).resolve(digest.hex());
      Files.createDirectories(target.getParent());
      if (Files.exists(target)) {
        Files.delete(tmp);
      } else {
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
          Files.deleteIfExists(tmp);
        }
      }
      tmp = null;
      return new LayerBlob(
          digest,
          blobHash.count(),
          diffId,
          MediaTypes.layerType(options.compression(), options.oci()),
          options.compression(),
          target);
    } catch (IOException e) {
      if (growing != null) {
        growing.failed(e);
      }
      throw new LayerException("writing a layer to " + targetDir + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      if (growing != null) {
        growing.failed(new IOException(e.toString(), e));
      }
      throw e;
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The write already failed; a stray temp file is harmless and named as one.
        }
      }
    }
  }

  /**
   * Writes the uncompressed tar of {@code source} to {@code out} (not closed) and returns its
   * digest, the diffID. Ignores the compression option.
   */
  public Digest writeTar(EntrySource source, OutputStream out) throws IOException {
    CountingDigestOutputStream tarHash = new CountingDigestOutputStream(out, Digest.SHA256);
    DeterministicTarOutputStream tar =
        new DeterministicTarOutputStream(new CompressionPool.NonClosing(tarHash));
    TarEntryEncoder encoder =
        new TarEntryEncoder(
            tar, options.sourceDateEpoch(), out instanceof SegmentedOutput seg ? seg : null);
    source.emit(encoder::write);
    tar.finish();
    tar.flush();
    return tarHash.digest();
  }

  /** The blob being written to {@code tmp}, handed to the tap; null if it cannot be read back. */
  private GrowingBlob tapped(Path tmp) {
    GrowingBlob growing;
    try {
      growing = new GrowingBlob(tmp);
    } catch (IOException e) {
      return null; // sending while writing is only a speed-up: the blob is sent when finished
    }
    tap.writing(growing);
    return growing;
  }

  /** Counts the bytes that reach the file and reports them to the blob being sent. */
  private static final class Reporting extends FilterOutputStream {
    private final GrowingBlob growing;
    private long count;

    Reporting(OutputStream out, GrowingBlob growing) {
      super(out);
      this.growing = growing;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      growing.appended(++count);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
      growing.appended(count);
    }
  }
}
