package dev.kiln.core.port;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Platform;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link ImageSource} learned about an image reference without pulling layers.
 *
 * @param ref the reference as requested
 * @param topDigest digest of the top-level object the reference points to (an index or a manifest),
 *     as BuildKit uses it in the manifest-based cache key
 * @param manifest descriptor of the platform-specific manifest
 * @param config descriptor of the image config blob
 * @param platform the requested platform
 * @param layers the manifest's layer descriptors, bottom first (fetched lazily through {@link
 *     ImageSource#openBlob})
 * @param diffIds the config's {@code rootfs.diff_ids}, bottom first; empty if the config has no
 *     parseable rootfs (the config-based key then falls back to the config digest)
 */
public record ResolvedImage(
    String ref,
    Digest topDigest,
    Descriptor manifest,
    Descriptor config,
    Platform platform,
    List<Descriptor> layers,
    List<Digest> diffIds) {

  /** Requires everything but allows an empty diff-id list. */
  public ResolvedImage {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(topDigest, "topDigest");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(platform, "platform");
    layers = List.copyOf(layers);
    diffIds = List.copyOf(diffIds);
  }
}
