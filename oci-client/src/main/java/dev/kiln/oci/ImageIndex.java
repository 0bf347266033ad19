package dev.kiln.oci;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image index: a list of descriptors, usually one manifest per platform. Covers the OCI image
 * index ({@code application/vnd.oci.image.index.v1+json}) and Docker's manifest list ({@code
 * application/vnd.docker.distribution.manifest.list.v2+json}). BuildKit's registry cache also uses
 * this shape, listing layer blobs and its cache config instead of manifests, so entries are not
 * required to be manifests. Immutable and thread-safe.
 *
 * @param schemaVersion always 2
 * @param mediaType the document's media type, or null (allowed by OCI, not by Docker)
 * @param artifactType the artifact type (OCI 1.1), or null
 * @param manifests the entries, in document order
 * @param subject the manifest this one refers to (OCI 1.1 referrers), or null
 * @param annotations annotations, in document order
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "schemaVersion",
  "mediaType",
  "artifactType",
  "manifests",
  "subject",
  "annotations"
})
public record ImageIndex(
    @JsonProperty("schemaVersion") int schemaVersion,
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("artifactType") String artifactType,
    @JsonProperty("manifests") @JsonInclude(JsonInclude.Include.ALWAYS) List<Descriptor> manifests,
    @JsonProperty("subject") Descriptor subject,
    @JsonProperty("annotations") Map<String, String> annotations)
    implements Manifest {

  /** Checks schemaVersion 2 and a supported media type; copies the collections. */
  public ImageIndex {
    if (schemaVersion != 2) {
      throw new IllegalArgumentException(
          "image index has schemaVersion " + schemaVersion + ", expected 2");
    }
    if (mediaType != null && !MediaTypes.isIndex(mediaType)) {
      throw new IllegalArgumentException(
          "image index has mediaType '" + mediaType + "', expected an index type");
    }
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations =
        annotations == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  /** An OCI index of the given entries. */
  public static ImageIndex oci(List<Descriptor> manifests) {
    return new ImageIndex(2, MediaTypes.OCI_INDEX, null, manifests, null, null);
  }

  /** A Docker manifest list of the given entries. */
  public static ImageIndex docker(List<Descriptor> manifests) {
    return new ImageIndex(2, MediaTypes.DOCKER_MANIFEST_LIST, null, manifests, null, null);
  }

  @JsonIgnore
  @Override
  public String effectiveMediaType() {
    return mediaType != null ? mediaType : MediaTypes.OCI_INDEX;
  }

  /** This index with another entry list. */
  public ImageIndex withManifests(List<Descriptor> newManifests) {
    return new ImageIndex(
        schemaVersion, mediaType, artifactType, newManifests, subject, annotations);
  }

  /** This index with {@code entry} appended. */
  public ImageIndex plus(Descriptor entry) {
    List<Descriptor> copy = new ArrayList<>(manifests);
    copy.add(entry);
    return withManifests(copy);
  }

  /** This index with other annotations. */
  public ImageIndex withAnnotations(Map<String, String> newAnnotations) {
    return new ImageIndex(
        schemaVersion, mediaType, artifactType, manifests, subject, newAnnotations);
  }

  /**
   * The first image-manifest entry whose platform matches {@code platform} (see {@link
   * Platform#matches}); entries without a platform never match.
   */
  public Optional<Descriptor> forPlatform(Platform platform) {
    return manifests.stream()
        .filter(d -> d.platform() != null && d.platform().matches(platform))
        .filter(d -> MediaTypes.isImageManifest(d.mediaType()))
        .findFirst();
  }
}
