package dev.kiln.core.port;

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
 * @param manifestDigest digest of the platform-specific manifest
 * @param configDigest digest of the image config
 * @param platform the requested platform
 * @param diffIds the config's {@code rootfs.diff_ids}, bottom first; empty if the config has no
 *     parseable rootfs (the config-based key then falls back to {@code configDigest})
 */
public record ResolvedImage(
    String ref,
    Digest topDigest,
    Digest manifestDigest,
    Digest configDigest,
    Platform platform,
    List<Digest> diffIds) {

  /** Requires everything but allows an empty diff-id list. */
  public ResolvedImage {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(topDigest, "topDigest");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(configDigest, "configDigest");
    Objects.requireNonNull(platform, "platform");
    diffIds = List.copyOf(diffIds);
  }
}
