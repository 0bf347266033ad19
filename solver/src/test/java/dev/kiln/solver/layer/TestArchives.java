package dev.kiln.solver.layer;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** Writes small tar archives, plain or compressed, for the ADD tests (solver test scope only). */
public final class TestArchives {
  /** The mtime of every entry. */
  public static final FileTime MTIME = FileTime.from(Instant.parse("2021-05-06T07:08:09Z"));

  /** How the tar stream is compressed. */
  public enum Kind {
    TAR,
    GZIP,
    BZIP2,
    XZ,
    ZSTD
  }

  /**
   * One tar entry.
   *
   * @param name the entry name, written as given (absolute and {@code ..} names included)
   * @param type {@link TarConstants#LF_NORMAL}, {@code LF_DIR}, {@code LF_SYMLINK} or {@code
   *     LF_LINK}
   * @param text file content or link target
   * @param mode permission bits
   * @param uid owner uid
   * @param gid owner gid
   */
  public record Entry(String name, byte type, String text, int mode, int uid, int gid) {

    /** This entry owned by {@code newUid:newGid}. */
    public Entry owned(int newUid, int newGid) {
      return new Entry(name, type, text, mode, newUid, newGid);
    }
  }

  private TestArchives() {}

  /** A regular file owned by 0:0. */
  public static Entry file(String name, String text, int mode) {
    return new Entry(name, TarConstants.LF_NORMAL, text, mode, 0, 0);
  }

  /** A directory owned by 0:0. */
  public static Entry dir(String name, int mode) {
    return new Entry(name, TarConstants.LF_DIR, "", mode, 0, 0);
  }

  /** A symlink to {@code target}. */
  public static Entry symlink(String name, String target) {
    return new Entry(name, TarConstants.LF_SYMLINK, target, 0777, 0, 0);
  }

  /** A hard link to the earlier entry {@code target}. */
  public static Entry hardlink(String name, String target) {
    return new Entry(name, TarConstants.LF_LINK, target, 0644, 0, 0);
  }

  /** Writes {@code entries} to {@code file} as a {@code kind} archive and returns {@code file}. */
  public static Path write(Path file, Kind kind, Entry... entries) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream raw = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(compress(raw, kind), "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry te = new TarArchiveEntry(e.name(), e.type(), true);
        te.setMode(e.mode());
        te.setIds(e.uid(), e.gid());
        te.setModTime(MTIME);
        byte[] data = new byte[0];
        if (e.type() == TarConstants.LF_SYMLINK || e.type() == TarConstants.LF_LINK) {
          te.setLinkName(e.text());
        } else if (e.type() == TarConstants.LF_NORMAL) {
          data = e.text().getBytes(StandardCharsets.UTF_8);
          te.setSize(data.length);
        }
        tar.putArchiveEntry(te);
        tar.write(data);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return file;
  }

  private static OutputStream compress(OutputStream raw, Kind kind) throws IOException {
    return switch (kind) {
      case TAR -> new CompressionPool.NonClosing(raw);
      case GZIP -> new GZIPOutputStream(new CompressionPool.NonClosing(raw));
      case BZIP2 -> new BZip2CompressorOutputStream(new CompressionPool.NonClosing(raw));
      case XZ -> new XZCompressorOutputStream(new CompressionPool.NonClosing(raw));
      case ZSTD -> new ZstdOutputStreamNoFinalizer(new CompressionPool.NonClosing(raw));
    };
  }
}
