package dev.kiln.image.export;

import dev.kiln.core.port.ContentNotFoundException;
import dev.kiln.core.port.ContentStore;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.layout.LayoutTarEntries;
import dev.kiln.oci.layout.OciLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an image as an OCI layout tar, optionally with Docker's {@code manifest.json} so that the
 * same file is also a docker-archive (what BuildKit's {@code type=docker} writes). Streams layer
 * blobs from the content store; nothing is staged. Reproducible: fixed entry order ({@code
 * oci-layout}, {@code index.json}, {@code manifest.json}, then blobs by digest), mtime 0, owner
 * 0:0.
 */
final class LayoutTarWriter {

  private final Map<Digest, Object> blobs = new TreeMap<>();
  private final Map<Digest, Long> sizes = new TreeMap<>();

  /** Adds a blob whose bytes are in memory. */
  void addBlob(Descriptor d, byte[] bytes) {
    blobs.put(d.digest(), bytes);
    sizes.put(d.digest(), (long) bytes.length);
  }

  /** Adds a blob read from the content store when written. */
  void addStoredBlob(Descriptor d) {
    blobs.putIfAbsent(d.digest(), d);
    sizes.putIfAbsent(d.digest(), d.size());
  }

  /** The entry name of a blob, e.g. {@code blobs/sha256/ab…}. */
  static String blobName(Digest d) {
    return OciLayout.BLOBS_DIR + "/" + d.algorithm() + "/" + d.hex();
  }

  /**
   * Writes the tar to {@code dest} atomically, with the user's umask ({@link OutputFiles}).
   *
   * @param index the {@code index.json} content
   * @param dockerManifest the {@code manifest.json} bytes, or null for a pure OCI layout
   */
  void writeTo(Path dest, ContentStore store, ImageIndex index, byte[] dockerManifest)
      throws IOException {
    OutputFiles.write(dest, out -> write(out, store, index, dockerManifest));
  }

  private void write(OutputStream out, ContentStore store, ImageIndex index, byte[] dockerManifest)
      throws IOException {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      file(
          tar,
          OciLayout.LAYOUT_FILE,
          "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      file(tar, OciLayout.INDEX_FILE, OciJson.toBytes(index));
      if (dockerManifest != null) {
        file(tar, "manifest.json", dockerManifest);
      }
      dir(tar, OciLayout.BLOBS_DIR + "/");
      String lastAlg = null;
      for (Map.Entry<Digest, Object> e : blobs.entrySet()) {
        Digest d = e.getKey();
        if (!d.algorithm().equals(lastAlg)) {
          dir(tar, OciLayout.BLOBS_DIR + "/" + d.algorithm() + "/");
          lastAlg = d.algorithm();
        }
        if (e.getValue() instanceof byte[] bytes) {
          file(tar, blobName(d), bytes);
        } else {
          try (InputStream in = openStored(store, d)) {
            stream(tar, blobName(d), sizes.get(d), in);
          }
        }
      }
      tar.finish();
    }
  }

  private static InputStream openStored(ContentStore store, Digest d) throws IOException {
    try {
      return store.open(d);
    } catch (ContentNotFoundException e) {
      throw new IOException(
          "layer " + d.shortForm() + " is not in the content store; the build result is incomplete",
          e);
    }
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] bytes)
      throws IOException {
    stream(tar, name, bytes.length, new ByteArrayInputStream(bytes));
  }

  private static void stream(TarArchiveOutputStream tar, String name, long size, InputStream in)
      throws IOException {
    LayoutTarEntries.file(tar, name, size, in);
  }

  private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    LayoutTarEntries.dir(tar, name);
  }
}
