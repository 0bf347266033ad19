package dev.kiln.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a piece of content is ({@code mediaType}), its identity ({@code
 * digest}) and its {@code size}, plus optional urls, annotations, platform, artifactType and
 * embedded data. Immutable; annotations keep their insertion order.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "mediaType",
  "digest",
  "size",
  "urls",
  "annotations",
  "data",
  "platform",
  "artifactType"
})
public record Descriptor(
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("digest") Digest digest,
    @JsonProperty("size") long size,
    @JsonProperty("urls") List<String> urls,
    @JsonProperty("annotations") Map<String, String> annotations,
    @JsonProperty("data") String data,
    @JsonProperty("platform") Platform platform,
    @JsonProperty("artifactType") String artifactType) {

  /** Validates the required fields and copies the collections. */
  public Descriptor {
    Objects.requireNonNull(digest, "descriptor digest");
    if (mediaType == null || mediaType.isEmpty()) {
      throw new IllegalArgumentException("descriptor of " + digest + " has no mediaType");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor of " + digest + " has negative size " + size);
    }
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations =
        annotations == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  /** A descriptor of just media type, digest and size. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, null, null, null);
  }

  /** This descriptor with {@code annotations} replacing the current ones. */
  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(
        mediaType, digest, size, urls, newAnnotations, data, platform, artifactType);
  }

  /** This descriptor with one annotation added or replaced. */
  public Descriptor withAnnotation(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(annotations);
    copy.put(key, value);
    return withAnnotations(copy);
  }

  /** This descriptor with a platform. */
  public Descriptor withPlatform(Platform newPlatform) {
    return new Descriptor(
        mediaType, digest, size, urls, annotations, data, newPlatform, artifactType);
  }

  /** This descriptor with another media type (same content). */
  public Descriptor withMediaType(String newMediaType) {
    return new Descriptor(
        newMediaType, digest, size, urls, annotations, data, platform, artifactType);
  }

  /** The annotation value, or null. */
  public String annotation(String key) {
    return annotations.get(key);
  }
}
