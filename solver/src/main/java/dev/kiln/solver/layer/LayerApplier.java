package dev.kiln.solver.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests.CountingDigestInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a layer blob into a snapshot directory, the way containerd's applier does: whiteouts
 * ({@code .wh.NAME}) remove lower content, {@code .wh..wh..opq} empties a directory of what the
 * lower layers put there, later entries replace earlier ones. The compression is detected from the
 * magic bytes (gzip, zstd, else a plain tar), never trusted from a media type.
 *
 * <p>Safety: entry names with {@code ..} or a leading {@code /} are rejected, parent directories
 * are resolved without following symlinks out of the root (absolute symlink targets are taken
 * relative to the snapshot root, as the container sees them; relative ones that climb out are
 * rejected), hard-link targets must resolve inside the root, PAX and GNU long headers are capped,
 * and sparse entries are refused. Nothing is ever written outside the snapshot directory; but on
 * any failure the directory holds a partial result and <b>the caller must discard it</b> (the
 * solver does). When an expected diffID is given, the decompressed stream is hashed while
 * extracting and a mismatch fails the apply after the last entry.
 *
 * <p>Privileges: ownership ({@code lchown}) and device nodes only when {@link
 * Options#privileged()}; unprivileged applies skip ownership and skip device nodes silently (as
 * rootless containerd does). Only {@code user.*} xattrs are written — Java has no API for other
 * namespaces. Instances are immutable and thread-safe; concurrent applies must target different
 * directories.
 */
public final class LayerApplier {

  /** Default cap on one PAX or GNU long-name header: 1 MiB. */
  public static final long DEFAULT_MAX_HEADER_BYTES = 1 << 20;

  /**
   * How layers are applied.
   *
   * @param privileged write ownership and device nodes (needs root)
   * @param maxHeaderBytes cap on one PAX or GNU long-name header, in bytes
   */
  public record Options(boolean privileged, long maxHeaderBytes) {

    /** Validates the cap. */
    public Options {
      if (maxHeaderBytes < 512) {
        throw new IllegalArgumentException("maxHeaderBytes must be >= 512: " + maxHeaderBytes);
      }
    }

    /** Privileged when this process runs as uid 0; default header cap. */
    public static Options detect() {
      return new Options(runningAsRoot(), DEFAULT_MAX_HEADER_BYTES);
    }

    private static boolean runningAsRoot() {
      try {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
  }

  /**
   * What an apply did.
   *
   * @param diffId sha256 of the decompressed tar
   * @param tarSize size of the decompressed tar in bytes
   * @param entries number of tar entries processed
   */
  public record Result(Digest diffId, long tarSize, int entries) {}

  private final Options options;

  /** An applier with the given options. */
  public LayerApplier(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Applies a blob written by {@link LayerWriter}, checking its diffID. */
  public Result apply(LayerBlob blob, Path snapshotDir) throws LayerException {
    try (InputStream in = Files.newInputStream(blob.path())) {
      return apply(blob.digest().toString(), in, snapshotDir, blob.diffId());
    } catch (IOException e) {
      throw new LayerException("reading layer " + blob.digest() + ": " + e.getMessage(), e);
    }
  }

  /** Applies the blob in {@code blobFile}, named by its file name in messages. */
  public Result apply(Path blobFile, Path snapshotDir, Digest expectedDiffId)
      throws LayerException {
    try (InputStream in = Files.newInputStream(blobFile)) {
      return apply(blobFile.getFileName().toString(), in, snapshotDir, expectedDiffId);
    } catch (IOException e) {
      throw new LayerException("reading layer " + blobFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * Applies the blob read from {@code blob} (not closed) onto the existing directory {@code
   * snapshotDir}.
   *
   * @param layer names the layer in messages, e.g. its blob digest
   * @param expectedDiffId the diffID to verify, or null to skip the check
   * @throws UnsafeLayerException for an entry that would escape the root or is refused
   * @throws LayerException for a diffID mismatch, a corrupt stream or an I/O failure
   */
  public Result apply(String layer, InputStream blob, Path snapshotDir, Digest expectedDiffId)
      throws LayerException {
    return read(layer, blob, snapshotDir, expectedDiffId, ExtractRules.layer(layer));
  }

  /**
   * Unpacks the blob read from {@code blob} (not closed) into the empty directory {@code diffDir}
   * as that layer's own diff directory: entries are extracted as by {@link #apply}, but whiteouts
   * and opaque markers are kept in {@code format} instead of deleting anything, so the directory
   * can be stacked over its parent layers (an overlay lower layer, or a native merge).
   *
   * @param layer names the layer in messages, e.g. its blob digest
   * @param expectedDiffId the diffID to verify, or null to skip the check
   * @throws UnsafeLayerException for an entry that would escape the root or is refused
   * @throws LayerException for a diffID mismatch, a corrupt stream or an I/O failure
   */
  public Result unpack(
      String layer, InputStream blob, Path diffDir, Digest expectedDiffId, DiffFormat format)
      throws LayerException {
    return read(layer, blob, diffDir, expectedDiffId, ExtractRules.diff(layer, format));
  }

  private Result read(
      String layer, InputStream blob, Path snapshotDir, Digest expectedDiffId, ExtractRules rules)
      throws LayerException {
    try {
      if (!Files.isDirectory(snapshotDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new LayerException(
            "layer " + layer + ": snapshot " + snapshotDir + " is not a directory");
      }
      try (InputStream plain =
          decompress(
              new java.io.FilterInputStream(blob) {
                @Override
                public void close() {
                  // The caller owns the blob stream.
                }
              })) {
        return extract(layer, plain, snapshotDir, expectedDiffId, rules);
      }
    } catch (TarHeaderGuard.Rejected r) {
      throw r.reason();
    } catch (IOException e) {
      throw new LayerException(
          "applying layer " + layer + " to " + snapshotDir + ": " + e.getMessage(), e);
    }
  }

  private Result extract(
      String layer, InputStream plain, Path snapshotDir, Digest expectedDiffId, ExtractRules rules)
      throws IOException, LayerException {
    {
      CountingDigestInputStream hashed = new CountingDigestInputStream(plain, Digest.SHA256);
      TarHeaderGuard guard = new TarHeaderGuard(hashed, "layer " + layer, options.maxHeaderBytes());
      TarArchiveInputStream tar = new TarArchiveInputStream(guard, "UTF-8");
      EntryExtractor extractor =
          new EntryExtractor(snapshotDir.toRealPath(), rules, options.privileged());
      int count = 0;
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        extractor.extract(e, tar);
        count++;
      }
      extractor.finish();
      hashed.transferTo(OutputStream.nullOutputStream());
      Digest diffId = hashed.digest();
      if (expectedDiffId != null && !expectedDiffId.equals(diffId)) {
        throw new LayerException(
            "layer "
                + layer
                + ": diffID mismatch: expected "
                + expectedDiffId
                + ", got "
                + diffId
                + "; the blob is corrupt or not the layer it claims to be");
      }
      return new Result(diffId, hashed.count(), count);
    }
  }

  /** The decompressed stream, chosen by magic bytes: gzip, zstd, else plain tar. */
  static InputStream decompress(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new GZIPInputStream(in, 64 * 1024);
    }
    if (magic.length == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return new ZstdInputStreamNoFinalizer(in);
    }
    return in;
  }
}
