package dev.kiln.oci.layout;

import dev.kiln.oci.Digest;
import dev.kiln.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An OCI image layout as a single tar stream (what {@code docker buildx build --output
 * type=oci,dest=x.tar} and {@code skopeo copy … oci-archive:x.tar} produce). Stateless and
 * thread-safe.
 *
 * <p>{@link #write} packs a layout directory reproducibly: entries in a fixed order ({@code
 * oci-layout}, {@code index.json}, then {@code blobs/} sorted by path), modification time 0, owner
 * 0:0, modes 0644/0755, PAX headers for long names. {@link #extract} unpacks into a directory,
 * refusing links, device files and any entry that would land outside it, and checks every blob
 * against its file name while it is written.
 */
public final class OciLayoutTar {

  private OciLayoutTar() {}

  /**
   * Writes the layout at {@code layout} as a tar to {@code out}. {@code out} is flushed but not
   * closed. Files in the layout directory other than the marker, the index and blobs are left out.
   */
  public static void write(OciLayout layout, OutputStream out) throws IOException {
    Path root = layout.root();
    TarArchiveOutputStream tar = new TarArchiveOutputStream(nonClosing(out));
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    addFile(tar, root.resolve(OciLayout.LAYOUT_FILE), OciLayout.LAYOUT_FILE);
    addFile(tar, root.resolve(OciLayout.INDEX_FILE), OciLayout.INDEX_FILE);
    addDir(tar, OciLayout.BLOBS_DIR + "/");
    Path blobs = root.resolve(OciLayout.BLOBS_DIR);
    for (Path algDir : sorted(blobs)) {
      if (!Files.isDirectory(algDir)) {
        continue;
      }
      String alg = algDir.getFileName().toString();
      addDir(tar, OciLayout.BLOBS_DIR + "/" + alg + "/");
      for (Path blob : sorted(algDir)) {
        String name = blob.getFileName().toString();
        // Temp files of unfinished writes start with a dot and are not part of the layout.
        if (Files.isRegularFile(blob) && !name.startsWith(".")) {
          addFile(tar, blob, OciLayout.BLOBS_DIR + "/" + alg + "/" + name);
        }
      }
    }
    tar.finish();
    tar.close();
    out.flush();
  }

  /**
   * Extracts a layout tar into {@code target} (created if missing; must be empty if present) and
   * opens it.
   *
   * @throws OciLayoutException if an entry is unsafe or the result is not a layout
   * @throws dev.kiln.oci.DigestMismatchException if a blob does not hash to its name
   */
  public static OciLayout extract(InputStream in, Path target) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> existing = Files.list(target)) {
      if (existing.findAny().isPresent()) {
        throw new OciLayoutException("cannot extract an OCI layout into non-empty " + target);
      }
    }
    Path root = target.toAbsolutePath().normalize();
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      String name = entry.getName();
      Path dest = safeResolve(root, name);
      if (entry.isDirectory()) {
        Files.createDirectories(dest);
      } else if (isRegularFile(entry) && !dest.equals(root)) {
        Files.createDirectories(dest.getParent());
        extractFile(tar, root, name, dest);
      } else {
        throw new OciLayoutException(
            "refusing tar entry '" + name + "': only regular files and directories are allowed");
      }
    }
    return OciLayout.open(root);
  }

  private static void extractFile(InputStream tar, Path root, String name, Path dest)
      throws IOException {
    Path rel = root.relativize(dest);
    Digest digest = blobDigest(rel);
    Path tmp = Files.createTempFile(dest.getParent(), ".tmp-", "");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        InputStream src =
            digest == null
                ? tar
                : new VerifyingInputStream(
                    nonClosing(tar), digest, -1, "blob " + name + " in the layout tar");
        src.transferTo(out);
      }
      if (digest != null) {
        LayoutFiles.atomicPublish(tmp, dest);
      } else {
        LayoutFiles.atomicReplace(tmp, dest);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // TarArchiveEntry.isFile() is also true for links and devices, so those are excluded first.
  private static boolean isRegularFile(TarArchiveEntry e) {
    return !e.isSymbolicLink()
        && !e.isLink()
        && !e.isCharacterDevice()
        && !e.isBlockDevice()
        && !e.isFIFO()
        && !e.isSparse()
        && e.isFile();
  }

  /** The digest a path like {@code blobs/sha256/<hex>} names, or null for other files. */
  private static Digest blobDigest(Path rel) throws OciLayoutException {
    if (rel.getNameCount() != 3 || !rel.getName(0).toString().equals(OciLayout.BLOBS_DIR)) {
      return null;
    }
    String s = rel.getName(1) + ":" + rel.getName(2);
    try {
      return Digest.parse(s);
    } catch (IllegalArgumentException e) {
      throw new OciLayoutException("tar entry '" + rel + "' is not a valid blob name", e);
    }
  }

  private static Path safeResolve(Path root, String name) throws OciLayoutException {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\")) {
      throw new OciLayoutException("refusing tar entry '" + name + "': not a relative path");
    }
    Path dest = root.resolve(name).normalize();
    if (!dest.startsWith(root)) {
      throw new OciLayoutException(
          "refusing tar entry '" + name + "': it would be written outside " + root);
    }
    return dest;
  }

  private static void addFile(TarArchiveOutputStream tar, Path file, String name)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      LayoutTarEntries.file(tar, name, Files.size(file), in);
    }
  }

  private static void addDir(TarArchiveOutputStream tar, String name) throws IOException {
    LayoutTarEntries.dir(tar, name);
  }

  private static List<Path> sorted(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> list = new ArrayList<>(s.toList());
      list.sort(null);
      return list;
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }

  private static InputStream nonClosing(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {
        // The tar stream owns the underlying input; the entry reader must not close it.
      }
    };
  }
}
