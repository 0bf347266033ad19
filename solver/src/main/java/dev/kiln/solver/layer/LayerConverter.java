package dev.kiln.solver.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.LayerCompressor;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.MediaTypes.Compression;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.zip.GZIPInputStream;

/**
 * The {@link LayerCompressor} on this machine: reads the stored blob (digest-verified by the
 * store), decompresses it while hashing the tar (checked against the diff ID), compresses it again
 * — gzip with the same parallel deterministic stream the {@link LayerWriter} uses, zstd with
 * zstd-jni's workers, or not at all, on a {@link CompressionPool} — hashing the new blob as it is
 * written to a temp file, then stores it. One pass over the data, constant memory. Not memoised:
 * converting the same layer again gives the same bytes and the store keeps the first copy.
 * Thread-safe.
 */
public final class LayerConverter implements LayerCompressor {

  private final Path tmpDir;
  private final CompressionPool pool;

  /**
   * A converter compressing on {@link CompressionPool#shared()}.
   *
   * @param tmpDir where the new blob is written before it is stored (created if missing)
   */
  public LayerConverter(Path tmpDir) {
    this(tmpDir, CompressionPool.shared());
  }

  /**
   * A converter compressing on {@code pool}.
   *
   * @param tmpDir where the new blob is written before it is stored (created if missing)
   * @param pool the compression threads
   */
  public LayerConverter(Path tmpDir, CompressionPool pool) {
    this.tmpDir = Objects.requireNonNull(tmpDir, "tmpDir");
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /**
   * Converts the layers with up to as many at once as the pool's threads and its buffer budget
   * allow (decompressing a layer runs on one thread, so several layers keep more cores busy).
   */
  @Override
  public List<ExportLayer> compressAll(
      List<ExportLayer> layers, Compression target, Integer level, ContentStore store)
      throws IOException {
    List<Callable<ExportLayer>> tasks = new ArrayList<>();
    for (ExportLayer layer : layers) {
      tasks.add(() -> compress(layer, target, level, store));
    }
    int concurrency = pool.layerConcurrency(target, level(target, level), layers.size());
    try {
      return CompressionPool.runAll(tasks, concurrency);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("re-compressing layers to " + name(target) + ": " + e.getCause(), e);
    }
  }

  @Override
  public ExportLayer compress(
      ExportLayer layer, Compression target, Integer level, ContentStore store) throws IOException {
    Descriptor blob = layer.blob();
    if (MediaTypes.isNonDistributable(blob.mediaType())) {
      return layer;
    }
    Compression from = MediaTypes.layerCompression(blob.mediaType());
    if (from == target && level == null) {
      return layer;
    }
    int lvl = level(target, level);
    Files.createDirectories(tmpDir);
    Path tmp = Files.createTempFile(tmpDir, "layer-convert-", ".blob");
    try {
      Digest diffId;
      Digests.CountingDigestOutputStream hashed;
      try (InputStream raw = store.open(blob.digest());
          InputStream plain = decompress(raw, from);
          OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 18)) {
        Digests.CountingDigestInputStream tar =
            new Digests.CountingDigestInputStream(plain, Digest.SHA256);
        hashed = new Digests.CountingDigestOutputStream(file, Digest.SHA256);
        try (OutputStream out = pool.open(hashed, target, lvl)) {
          byte[] buf = new byte[1 << 18];
          int n;
          while ((n = tar.read(buf)) >= 0) {
            out.write(buf, 0, n);
          }
        }
        diffId = tar.digest();
      } catch (IOException e) {
        throw new IOException(
            "re-compressing layer " + blob.digest() + " to " + name(target) + ": " + e.getMessage(),
            e);
      }
      if (!diffId.equals(layer.diffId())) {
        throw new IOException(
            "layer "
                + blob.digest()
                + " decompresses to "
                + diffId
                + ", not its diff ID "
                + layer.diffId()
                + "; the blob is corrupt, rebuild with --no-cache");
      }
      Digest digest = hashed.digest();
      try (InputStream in = Files.newInputStream(tmp)) {
        store.write(in, digest);
      }
      String mediaType = MediaTypes.layerType(target, !MediaTypes.isDocker(blob.mediaType()));
      return new ExportLayer(Descriptor.of(mediaType, digest, hashed.count()), diffId, null);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The level to use: the given one, checked, or the algorithm's default. */
  static int level(Compression target, Integer level) {
    return switch (target) {
      case UNCOMPRESSED -> 0;
      case GZIP -> {
        if (level == null) {
          yield -1;
        }
        if (level < 0 || level > 9) {
          throw new IllegalArgumentException("gzip compression level must be 0..9, got " + level);
        }
        yield level;
      }
      case ZSTD -> {
        if (level == null || level == 0) {
          yield 3;
        }
        if (level < 1 || level > 22) {
          throw new IllegalArgumentException("zstd compression level must be 0..22, got " + level);
        }
        yield level;
      }
    };
  }

  private static InputStream decompress(InputStream in, Compression c) throws IOException {
    return switch (c) {
      case UNCOMPRESSED -> in;
      case GZIP -> new GZIPInputStream(in, 1 << 18);
      case ZSTD -> new ZstdInputStreamNoFinalizer(in);
    };
  }

  private static String name(Compression c) {
    return c.name().toLowerCase(java.util.Locale.ROOT);
  }
}
