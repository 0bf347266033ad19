package dev.kiln.solver.layer;

import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes {@link LayerEntry entries} as tar entries: maps types, clamps mtimes to whole seconds and
 * the configured epoch, turns repeated inodes into hard links to the first path seen, writes xattrs
 * as {@code SCHILY.xattr.*} PAX records, and streams file content checking its length. One instance
 * per tar; not thread-safe.
 */
final class TarEntryEncoder {
  private final TarArchiveOutputStream tar;
  private final Instant clamp;
  private final Map<LayerEntry.FileId, String> firstPathOfInode = new HashMap<>();
  private final byte[] buffer = new byte[64 * 1024];

  private final SegmentedOutput segments;

  TarEntryEncoder(TarArchiveOutputStream tar, Instant clamp) {
    this(tar, clamp, null);
  }

  /**
   * @param segments the compressed stream under {@code tar} when it keeps large contents as
   *     segments (then each content of at least {@link GzipSegments#MIN_CONTENT} bytes, with its
   *     padding, is one), or null
   */
  TarEntryEncoder(TarArchiveOutputStream tar, Instant clamp, SegmentedOutput segments) {
    this.tar = tar;
    this.clamp = clamp;
    this.segments = segments;
  }

  void write(LayerEntry e) throws IOException {
    EntryType type = e.type();
    String link = e.linkTarget();
    if (type == EntryType.FILE && e.fileId() != null) {
      String first = firstPathOfInode.putIfAbsent(e.fileId(), e.path());
      if (first != null) {
        type = EntryType.HARDLINK;
        link = first;
      }
    }
    String name = type == EntryType.DIRECTORY ? e.path() + "/" : e.path();
    TarArchiveEntry t = new TarArchiveEntry(name, flag(type), true);
    t.setMode(e.mode());
    t.setUserId(e.uid());
    t.setGroupId(e.gid());
    t.setUserName(e.uname());
    t.setGroupName(e.gname());
    t.setModTime(FileTime.from(mtime(e.mtime())));
    if (type == EntryType.SYMLINK || type == EntryType.HARDLINK) {
      t.setLinkName(link);
    }
    if (type == EntryType.CHAR_DEVICE || type == EntryType.BLOCK_DEVICE) {
      t.setDevMajor(e.devMajor());
      t.setDevMinor(e.devMinor());
    }
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      t.addPaxHeader("SCHILY.xattr." + x.getKey(), utf8(e.path(), x.getKey(), x.getValue()));
    }
    long size = type == EntryType.FILE ? e.size() : 0;
    t.setSize(size);
    tar.putArchiveEntry(t);
    // The content starts a segment when every byte before it has reached the compressor (the tar
    // writes whole 512-byte records, so it always has); its padding record ends it.
    boolean segment =
        segments != null
            && size >= GzipSegments.MIN_CONTENT
            && tar.getBytesWritten() == segments.received();
    if (segment) {
      segments.beginSegment(size, segments.mayReplay(size) ? sha256(e, size) : null);
    }
    if (size > 0) {
      copy(e, size);
    }
    tar.closeArchiveEntry();
    if (segment) {
      segments.endSegment();
    }
  }

  /** The SHA-256 of a file's content, read once before it is written (to look up its segment). */
  private byte[] sha256(LayerEntry e, long size) throws IOException {
    MessageDigest md = Digests.newSha256();
    read(e, size, md::update);
    return md.digest();
  }

  private void copy(LayerEntry e, long size) throws IOException {
    read(e, size, tar::write);
  }

  /** Receives content chunks. */
  @FunctionalInterface
  private interface Chunks {
    void accept(byte[] b, int off, int len) throws IOException;
  }

  /** Reads exactly {@code size} bytes of a file's content into {@code to}. */
  private void read(LayerEntry e, long size, Chunks to) throws IOException {
    long left = size;
    try (InputStream in = e.content().open()) {
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          break;
        }
        to.accept(buffer, 0, n);
        left -= n;
      }
      if (left > 0 || in.read() >= 0) {
        throw new IOException(
            "file '"
                + e.path()
                + "' changed size while being written to the layer (expected "
                + size
                + " bytes)");
      }
    }
  }

  private Instant mtime(Instant t) {
    Instant seconds = Instant.ofEpochSecond(t.getEpochSecond());
    return clamp != null && seconds.isAfter(clamp)
        ? Instant.ofEpochSecond(clamp.getEpochSecond())
        : seconds;
  }

  private static byte flag(EntryType type) {
    return switch (type) {
      case FILE -> TarConstants.LF_NORMAL;
      case DIRECTORY -> TarConstants.LF_DIR;
      case SYMLINK -> TarConstants.LF_SYMLINK;
      case HARDLINK -> TarConstants.LF_LINK;
      case CHAR_DEVICE -> TarConstants.LF_CHR;
      case BLOCK_DEVICE -> TarConstants.LF_BLK;
      case FIFO -> TarConstants.LF_FIFO;
    };
  }

  private static String utf8(String path, String name, byte[] value) throws IOException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException ex) {
      throw new IOException(
          "xattr '"
              + name
              + "' of '"
              + path
              + "' is not UTF-8; kiln writes only UTF-8 xattr values",
          ex);
    }
  }
}
