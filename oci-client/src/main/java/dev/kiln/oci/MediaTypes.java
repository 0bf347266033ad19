package dev.kiln.oci;

import java.util.List;
import java.util.Set;

/**
 * Media types of the OCI image spec, Docker's image manifest v2 schema 2, and BuildKit's cache
 * config. Constants only, plus a few classification helpers.
 */
public final class MediaTypes {

  private MediaTypes() {}

  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image config. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI empty descriptor ({@code {}}), used as config of artifacts. */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** OCI image layout index file's layout marker is not a media type; this is the layer family. */
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

  /** OCI gzip layer. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI zstd layer. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** OCI non-distributable uncompressed layer (deprecated by the spec, still readable). */
  public static final String OCI_LAYER_NONDIST_TAR =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";

  /** OCI non-distributable gzip layer. */
  public static final String OCI_LAYER_NONDIST_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

  /** OCI non-distributable zstd layer. */
  public static final String OCI_LAYER_NONDIST_ZSTD =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

  /** Docker image manifest v2 schema 2. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list. */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker schema 1 manifest (read-only legacy). */
  public static final String DOCKER_MANIFEST_V1 =
      "application/vnd.docker.distribution.manifest.v1+json";

  /** Docker signed schema 1 manifest (read-only legacy). */
  public static final String DOCKER_MANIFEST_V1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** Docker container config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker gzip layer. */
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Docker uncompressed layer (as written by BuildKit for uncompressed Docker-typed caches). */
  public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  /** Docker foreign (non-distributable) gzip layer. */
  public static final String DOCKER_LAYER_FOREIGN_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Docker-typed zstd layer as used by BuildKit (not part of Docker's own spec). */
  public static final String DOCKER_LAYER_ZSTD =
      "application/vnd.docker.image.rootfs.diff.tar.zstd";

  /** BuildKit's remote cache configuration. */
  public static final String BUILDKIT_CACHE_CONFIG = "application/vnd.buildkit.cacheconfig.v0";

  /**
   * Every manifest media type a client should list in {@code Accept}. The Debian registry 2.8.2
   * answers 404 when the OCI types are missing, so the list is always sent whole.
   */
  public static final List<String> ALL_MANIFESTS =
      List.of(
          OCI_INDEX,
          OCI_MANIFEST,
          DOCKER_MANIFEST_LIST,
          DOCKER_MANIFEST,
          DOCKER_MANIFEST_V1_SIGNED,
          DOCKER_MANIFEST_V1);

  private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
  private static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
  private static final Set<String> CONFIGS = Set.of(OCI_CONFIG, DOCKER_CONFIG);

  /** The compression a layer media type declares. */
  public enum Compression {
    /** A plain tar. */
    UNCOMPRESSED,
    /** gzip. */
    GZIP,
    /** zstd. */
    ZSTD
  }

  /** True for OCI indexes and Docker manifest lists. */
  public static boolean isIndex(String mediaType) {
    return INDEXES.contains(mediaType);
  }

  /** True for OCI and Docker schema 2 image manifests. */
  public static boolean isImageManifest(String mediaType) {
    return IMAGE_MANIFESTS.contains(mediaType);
  }

  /** True for any manifest or index media type in {@link #ALL_MANIFESTS}. */
  public static boolean isManifest(String mediaType) {
    return ALL_MANIFESTS.contains(mediaType);
  }

  /** True for OCI and Docker image configs. */
  public static boolean isImageConfig(String mediaType) {
    return CONFIGS.contains(mediaType);
  }

  /** True for the Docker-family media types (schema 2 and BuildKit's Docker-typed zstd). */
  public static boolean isDocker(String mediaType) {
    return mediaType != null && mediaType.startsWith("application/vnd.docker.");
  }

  /** True for a layer media type (OCI or Docker, any compression, distributable or not). */
  public static boolean isLayer(String mediaType) {
    return mediaType != null
        && (mediaType.startsWith("application/vnd.oci.image.layer.")
            || mediaType.startsWith("application/vnd.docker.image.rootfs."));
  }

  /** True for non-distributable (foreign) layers. */
  public static boolean isNonDistributable(String mediaType) {
    return mediaType != null
        && (mediaType.contains(".nondistributable.") || mediaType.contains(".foreign."));
  }

  /**
   * The compression a layer media type declares.
   *
   * @throws IllegalArgumentException if {@code mediaType} is not a layer type
   */
  public static Compression layerCompression(String mediaType) {
    if (!isLayer(mediaType)) {
      throw new IllegalArgumentException("not a layer media type: " + mediaType);
    }
    if (mediaType.endsWith("gzip")) {
      return Compression.GZIP;
    }
    if (mediaType.endsWith("zstd")) {
      return Compression.ZSTD;
    }
    return Compression.UNCOMPRESSED;
  }

  /** The layer media type for a compression, OCI or Docker flavour. */
  public static String layerType(Compression compression, boolean oci) {
    return switch (compression) {
      case UNCOMPRESSED -> oci ? OCI_LAYER_TAR : DOCKER_LAYER_TAR;
      case GZIP -> oci ? OCI_LAYER_GZIP : DOCKER_LAYER_GZIP;
      case ZSTD -> oci ? OCI_LAYER_ZSTD : DOCKER_LAYER_ZSTD;
    };
  }
}
