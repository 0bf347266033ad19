package dev.kiln.oci.registry;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import java.util.Objects;

/**
 * A pulled manifest or index: its exact bytes, its media type and the digest computed locally over
 * those bytes. Immutable: the bytes are copied in and out.
 *
 * @param bytes the manifest bytes as served
 * @param mediaType the media type (from Content-Type without parameters, or the JSON field)
 * @param digest the digest computed over {@code bytes}
 */
public record ManifestContent(byte[] bytes, String mediaType, Digest digest) {

  /** Copies the bytes and requires all fields. */
  public ManifestContent {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    bytes = bytes.clone();
  }

  /** A copy of the manifest bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The descriptor of this manifest: media type, digest and size. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManifestContent m
        && java.util.Arrays.equals(bytes, m.bytes)
        && mediaType.equals(m.mediaType)
        && digest.equals(m.digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "ManifestContent[" + mediaType + ", " + digest + ", " + bytes.length + " bytes]";
  }
}
