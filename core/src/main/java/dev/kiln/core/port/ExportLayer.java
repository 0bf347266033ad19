package dev.kiln.core.port;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.MediaTypes;
import java.util.Objects;

/**
 * One layer of an {@link ExportableImage}: the compressed (or plain) blob as stored in the content
 * store, and the digest of its uncompressed tar.
 *
 * @param blob descriptor of the layer blob (a layer media type; digest and size of the stored blob)
 * @param diffId sha256 of the uncompressed tar stream
 * @param origin where the blob already lives, as {@code registry/repository} (e.g. {@code
 *     localhost:5000/library/busybox}) when it came from a base image, else null; a registry
 *     exporter may then mount it instead of uploading it. Not part of any digest.
 */
public record ExportLayer(Descriptor blob, Digest diffId, String origin) {

  /** Requires a layer media type and a diff ID. */
  public ExportLayer {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(diffId, "diffId");
    if (!MediaTypes.isLayer(blob.mediaType())) {
      throw new IllegalArgumentException(
          "layer "
              + blob.digest()
              + " has media type '"
              + blob.mediaType()
              + "', not a layer type");
    }
    if (origin != null && origin.isEmpty()) {
      origin = null;
    }
  }

  /** A layer built locally (no origin). */
  public static ExportLayer of(Descriptor blob, Digest diffId) {
    return new ExportLayer(blob, diffId, null);
  }
}
