package dev.kiln.oci;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image manifest: one config blob and an ordered list of layers. Covers both the OCI image
 * manifest ({@code application/vnd.oci.image.manifest.v1+json}) and Docker's image manifest v2
 * schema 2 ({@code application/vnd.docker.distribution.manifest.v2+json}); they share the wire
 * shape and differ in media types. Immutable and thread-safe.
 *
 * <p>A manifest's identity is the digest of its bytes. Re-serialising a parsed manifest with {@link
 * OciJson} is deterministic but is not guaranteed to reproduce the bytes a registry served; keep
 * those bytes when the digest matters.
 *
 * @param schemaVersion always 2
 * @param mediaType the document's media type, or null (allowed by OCI, not by Docker)
 * @param artifactType the artifact type (OCI 1.1), or null
 * @param config the config blob's descriptor
 * @param layers the layers, base first; may be empty for artifacts
 * @param subject the manifest this one refers to (OCI 1.1 referrers), or null
 * @param annotations annotations, in document order
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "schemaVersion",
  "mediaType",
  "artifactType",
  "config",
  "layers",
  "subject",
  "annotations"
})
public record ImageManifest(
    @JsonProperty("schemaVersion") int schemaVersion,
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("artifactType") String artifactType,
    @JsonProperty("config") Descriptor config,
    @JsonProperty("layers") @JsonInclude(JsonInclude.Include.ALWAYS) List<Descriptor> layers,
    @JsonProperty("subject") Descriptor subject,
    @JsonProperty("annotations") Map<String, String> annotations)
    implements Manifest {

  /** Checks schemaVersion 2, a supported media type and a config; copies the collections. */
  public ImageManifest {
    if (schemaVersion != 2) {
      throw new IllegalArgumentException(
          "image manifest has schemaVersion " + schemaVersion + ", expected 2");
    }
    if (mediaType != null && !MediaTypes.isImageManifest(mediaType)) {
      throw new IllegalArgumentException(
          "image manifest has mediaType '" + mediaType + "', expected an image manifest type");
    }
    if (config == null) {
      throw new IllegalArgumentException("image manifest has no config descriptor");
    }
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations =
        annotations == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  /** An OCI image manifest of a config and layers. */
  public static ImageManifest oci(Descriptor config, List<Descriptor> layers) {
    return new ImageManifest(2, MediaTypes.OCI_MANIFEST, null, config, layers, null, null);
  }

  /** A Docker schema 2 image manifest of a config and layers. */
  public static ImageManifest docker(Descriptor config, List<Descriptor> layers) {
    return new ImageManifest(2, MediaTypes.DOCKER_MANIFEST, null, config, layers, null, null);
  }

  @JsonIgnore
  @Override
  public String effectiveMediaType() {
    return mediaType != null ? mediaType : MediaTypes.OCI_MANIFEST;
  }

  /** This manifest with other annotations. */
  public ImageManifest withAnnotations(Map<String, String> newAnnotations) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, newAnnotations);
  }

  /** This manifest with another layer list. */
  public ImageManifest withLayers(List<Descriptor> newLayers) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, newLayers, subject, annotations);
  }

  /** This manifest with another config descriptor. */
  public ImageManifest withConfig(Descriptor newConfig) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, newConfig, layers, subject, annotations);
  }
}
