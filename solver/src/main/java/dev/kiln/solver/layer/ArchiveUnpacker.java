package dev.kiln.solver.layer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Dockerfile {@code ADD} of a local tar archive, as BuildKit's file op does for a copy with {@code
 * attemptUnpackDockerCompatibility}: {@link #isArchive} decides from the file's <em>content</em>
 * (Docker's magic-byte detection of gzip, bzip2, xz, zstd or none, then a valid first tar header),
 * never from its name; {@link #unpack} streams the archive into a destination directory.
 *
 * <p>Extraction uses the layer applier's safe path resolution rooted at the destination directory:
 * a leading {@code /} is dropped (the entry lands inside the destination), {@code ..} that climbs
 * out of the destination, a path through a symlink that points outside it and a hard link to
 * something outside it are refused with an {@link UnsafeLayerException} naming the archive and the
 * entry. Unlike a layer, {@code .wh.*} entries are ordinary files (Docker and BuildKit do not
 * process whiteouts in ADD). Mode, mtime and {@code user.*} xattrs come from the archive; ownership
 * too, unless an explicit owner ({@code --chown}) is given, and only when privileged. A failure
 * leaves the destination partly written; the caller discards it. Immutable and thread-safe;
 * concurrent unpacks must target different directories.
 */
public final class ArchiveUnpacker {
  private static final int TAR_BLOCK = 512;

  private final LayerApplier.Options options;

  /** An unpacker with the applier's privilege and header-size settings. */
  public ArchiveUnpacker(LayerApplier.Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Whether {@code file} is a regular file (not followed if a symlink) whose content is a tar
   * archive, plain or compressed. A file that cannot be read or decompressed, is shorter than one
   * tar block, starts with an end-of-archive block or has a bad header checksum is not an archive.
   */
  public static boolean isArchive(Path file) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        return false;
      }
      try (InputStream plain = open(Files.newInputStream(file))) {
        byte[] header = plain.readNBytes(TAR_BLOCK);
        return header.length == TAR_BLOCK && !allZero(header) && TarUtils.verifyCheckSum(header);
      }
    } catch (IOException | RuntimeException e) {
      // Go's DecompressStream or tar.Reader.Next failing: BuildKit copies the file as it is.
      return false;
    }
  }

  /**
   * Extracts {@code archive} into the existing directory {@code destDir}.
   *
   * @param name names the archive in messages, e.g. {@code app.tar.gz (build context)}
   * @param uid owner uid for every entry, or -1 to keep the archive's
   * @param gid owner gid for every entry, or -1 to keep the archive's
   * @return the number of tar entries processed
   * @throws UnsafeLayerException for an entry that would escape {@code destDir} or is refused
   * @throws LayerException for a corrupt archive or an I/O failure
   */
  public int unpack(Path archive, String name, Path destDir, long uid, long gid)
      throws LayerException {
    ExtractRules rules = ExtractRules.archive(name, uid, gid);
    try (InputStream plain = open(Files.newInputStream(archive))) {
      TarHeaderGuard guard = new TarHeaderGuard(plain, rules.subject(), options.maxHeaderBytes());
      TarArchiveInputStream tar = new TarArchiveInputStream(guard, "UTF-8");
      EntryExtractor extractor =
          new EntryExtractor(destDir.toRealPath(), rules, options.privileged());
      int count = 0;
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        extractor.extract(e, tar);
        count++;
      }
      extractor.finish();
      return count;
    } catch (TarHeaderGuard.Rejected r) {
      throw r.reason();
    } catch (IOException e) {
      throw new LayerException(
          "extracting " + rules.subject() + " into " + destDir + ": " + e.getMessage(), e);
    }
  }

  private static InputStream open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
    try {
      in.mark(ArchiveCompression.MAGIC_BYTES);
      byte[] magic = in.readNBytes(ArchiveCompression.MAGIC_BYTES);
      in.reset();
      return ArchiveCompression.detect(magic).open(in);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static boolean allZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
