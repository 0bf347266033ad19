package dev.kiln.oci;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * A document a registry serves from its {@code /manifests/} endpoint: either a single-image {@link
 * ImageManifest} or an {@link ImageIndex} of manifests. Use {@link Manifests#parse(byte[], String)}
 * to read one whose kind is not known in advance. Implementations are immutable records.
 */
public sealed interface Manifest permits ImageManifest, ImageIndex {

  /** The {@code schemaVersion} field; always 2 for supported documents. */
  int schemaVersion();

  /** The {@code mediaType} field as written in the document, or null when it was omitted. */
  String mediaType();

  /**
   * The media type of this document: the {@code mediaType} field, or the OCI type when the field is
   * absent (the OCI spec makes it optional, Docker schema 2 requires it).
   */
  String effectiveMediaType();

  /** The {@code artifactType} field, or null. */
  String artifactType();

  /** The {@code subject} descriptor (referrers API), or null. */
  Descriptor subject();

  /** The annotations, in document order; empty when absent. */
  Map<String, String> annotations();

  /** True for the Docker schema 2 flavour (manifest or manifest list). */
  @JsonIgnore
  default boolean isDocker() {
    return MediaTypes.isDocker(effectiveMediaType());
  }
}
