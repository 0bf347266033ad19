package dev.kiln.oci.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The entries of a reproducible image-layout tar (OCI layout or docker archive): regular files 0644
 * and directories 0755, owned by 0:0 with no names, mtime 1970-01-01. Shared by {@link
 * OciLayoutTar} and the image exporters that stream blobs straight from a content store.
 */
public final class LayoutTarEntries {

  private static final FileTime EPOCH = FileTime.fromMillis(0);

  private LayoutTarEntries() {}

  /**
   * Writes a regular file entry of {@code size} bytes read from {@code in} (not closed).
   *
   * @throws IOException if {@code in} holds another number of bytes than {@code size}, or on write
   *     errors
   */
  public static void file(TarArchiveOutputStream tar, String name, long size, InputStream in)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100644);
    e.setSize(size);
    normalise(e);
    tar.putArchiveEntry(e);
    long copied = in.transferTo(tar);
    if (copied != size) {
      throw new IOException("tar entry " + name + " has " + copied + " bytes, expected " + size);
    }
    tar.closeArchiveEntry();
  }

  /** Writes a directory entry ({@code name} ends with {@code /}). */
  public static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    normalise(e);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static void normalise(TarArchiveEntry e) {
    e.setLastModifiedTime(EPOCH);
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("");
    e.setGroupName("");
  }
}
