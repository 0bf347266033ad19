package dev.kiln.cache.registry;

import dev.kiln.core.cache.remote.CacheConfigCodec;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The top-level object of a registry or local cache (cache-format.md §3.1): an OCI image manifest
 * whose config is the cache config ({@code image-manifest=true}), or an OCI index / Docker manifest
 * list listing the layers and then the config last. Layer media types are converted to the family
 * asked for (§3.2, §6.2); bytes are deterministic (Go's field order, annotation keys sorted).
 */
final class CacheManifests {

  private CacheManifests() {}

  private static final Map<String, String> TO_DOCKER =
      Map.of(
          MediaTypes.OCI_LAYER_TAR, MediaTypes.DOCKER_LAYER_TAR,
          MediaTypes.OCI_LAYER_GZIP, MediaTypes.DOCKER_LAYER_GZIP,
          MediaTypes.OCI_LAYER_ZSTD, MediaTypes.DOCKER_LAYER_ZSTD,
          MediaTypes.OCI_LAYER_NONDIST_TAR, "application/vnd.docker.image.rootfs.foreign.diff.tar",
          MediaTypes.OCI_LAYER_NONDIST_GZIP, MediaTypes.DOCKER_LAYER_FOREIGN_GZIP);

  private static final Map<String, String> TO_OCI =
      Map.of(
          MediaTypes.DOCKER_LAYER_TAR,
          MediaTypes.OCI_LAYER_TAR,
          MediaTypes.DOCKER_LAYER_GZIP,
          MediaTypes.OCI_LAYER_GZIP,
          MediaTypes.DOCKER_LAYER_ZSTD,
          MediaTypes.OCI_LAYER_ZSTD,
          "application/vnd.docker.image.rootfs.foreign.diff.tar",
          MediaTypes.OCI_LAYER_NONDIST_TAR,
          MediaTypes.DOCKER_LAYER_FOREIGN_GZIP,
          MediaTypes.OCI_LAYER_NONDIST_GZIP);

  /**
   * The layer media type in the OCI or Docker family; a type without an equivalent (OCI
   * non-distributable zstd, unknown types) is kept, as BuildKit does.
   */
  static String layerMediaType(String mediaType, boolean oci) {
    return (oci ? TO_OCI : TO_DOCKER).getOrDefault(mediaType, mediaType);
  }

  /** The descriptor of a cache config's bytes. */
  static Descriptor configDescriptor(byte[] config) {
    return Descriptor.of(MediaTypes.BUILDKIT_CACHE_CONFIG, Digests.sha256(config), config.length);
  }

  /**
   * The encoded top-level object.
   *
   * @param layers one descriptor per cache config layer, in config order (repeats kept)
   * @param config the cache config's descriptor
   * @throws IOException if the result exceeds the 1 MiB BuildKit reads
   */
  static OciJson.Encoded encode(
      List<Descriptor> layers, Descriptor config, boolean oci, boolean imageManifest)
      throws IOException {
    List<Descriptor> converted = new ArrayList<>(layers.size());
    for (Descriptor d : layers) {
      converted.add(d.withMediaType(layerMediaType(d.mediaType(), oci)));
    }
    Manifest top;
    if (imageManifest) {
      top = ImageManifest.oci(config, converted);
    } else {
      converted.add(config);
      top = oci ? ImageIndex.oci(converted) : ImageIndex.docker(converted);
    }
    OciJson.Encoded encoded = OciJson.encode(top);
    checkSize("cache manifest", encoded.bytes().length);
    return encoded;
  }

  /** Fails when a cache manifest or config is larger than BuildKit (and kiln) read. */
  static void checkSize(String what, long size) throws IOException {
    if (size > CacheConfigCodec.MAX_SIZE) {
      throw new IOException(
          what
              + " is "
              + size
              + " bytes, over the 1 MiB limit BuildKit and kiln read; export with mode=min or"
              + " split the build");
    }
  }
}
