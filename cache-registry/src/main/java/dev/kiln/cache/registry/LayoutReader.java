package dev.kiln.cache.registry;

import dev.kiln.core.cache.remote.CacheFormatException;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.OciFormatException;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a cache directory without changing it. Unlike {@code OciLayout.open} it does not require
 * the {@code oci-layout} marker: BuildKit's {@code type=local} cache export writes only {@code
 * index.json} and {@code blobs/}.
 */
record LayoutReader(Path root) {

  /** The parsed {@code index.json}. */
  ImageIndex index() throws IOException, CacheFormatException {
    Path file = root.resolve("index.json");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CacheFormatException(
          "not found: " + root + " has no index.json (not a cache directory)", e);
    }
    try {
      return OciJson.parse(bytes, ImageIndex.class);
    } catch (OciFormatException | IllegalArgumentException e) {
      throw new CacheFormatException(file + " is malformed: " + e.getMessage(), e);
    }
  }

  /** Opens a blob; the stream fails at its end if the bytes do not match {@code d}. */
  InputStream open(Descriptor d) throws IOException {
    Digest digest = d.digest();
    Path file = root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    try {
      return new VerifyingInputStream(
          Files.newInputStream(file),
          digest,
          d.size(),
          "blob " + digest.shortForm() + " in " + root);
    } catch (NoSuchFileException e) {
      throw new IOException("blob " + digest + " is missing from " + root, e);
    }
  }

  /** Reads a whole (small) blob, verified. */
  byte[] read(Descriptor d) throws IOException {
    try (InputStream in = open(d)) {
      return in.readAllBytes();
    }
  }
}
