package dev.kiln.solver.layer;

import dev.kiln.oci.Digest;
import dev.kiln.oci.MediaTypes;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A layer blob written to a content-addressed file.
 *
 * @param digest digest of the blob as stored (compressed bytes)
 * @param size size of the blob in bytes
 * @param diffId digest of the uncompressed tar (the image config's {@code rootfs.diff_ids})
 * @param mediaType the OCI or Docker layer media type matching {@code compression}
 * @param compression how the tar was compressed
 * @param path the file holding the blob, named by its digest
 */
public record LayerBlob(
    Digest digest,
    long size,
    Digest diffId,
    String mediaType,
    MediaTypes.Compression compression,
    Path path) {

  /** Checks that no field is null, the size is not negative and the media type is a layer. */
  public LayerBlob {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(path, "path");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0: " + size);
    }
    if (!MediaTypes.isLayer(mediaType)) {
      throw new IllegalArgumentException("not a layer media type: " + mediaType);
    }
  }
}
