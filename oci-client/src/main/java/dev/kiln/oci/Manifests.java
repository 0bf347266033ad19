package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Reads a manifest whose kind (image manifest or index) is known only from the HTTP {@code
 * Content-Type} or from the document itself. Thread-safe.
 */
public final class Manifests {

  private Manifests() {}

  /**
   * Parses a manifest or index.
   *
   * <p>The kind is taken from {@code contentType} when it names a supported manifest type,
   * otherwise from the document's {@code mediaType} field, otherwise from its shape ({@code
   * manifests} means an index, {@code config} an image manifest), because registries serve
   * documents without {@code mediaType} as {@code application/json} or {@code
   * application/octet-stream}. When both the header and the field name a type they must agree.
   *
   * @param bytes the document as served
   * @param contentType the {@code Content-Type} header (parameters are ignored), or null
   * @throws OciFormatException if the document is not JSON, is Docker schema 1, has an unsupported
   *     media type, contradicts {@code contentType}, or misses required fields
   */
  public static Manifest parse(byte[] bytes, String contentType) throws OciFormatException {
    JsonNode tree = OciJson.parseTree(bytes);
    if (!tree.isObject()) {
      throw new OciFormatException("manifest is not a JSON object");
    }
    String header = baseType(contentType);
    JsonNode mt = tree.get("mediaType");
    String field = mt != null && mt.isTextual() ? mt.asText() : null;
    JsonNode sv = tree.get("schemaVersion");
    if ((sv != null && sv.isInt() && sv.asInt() == 1)
        || MediaTypes.DOCKER_MANIFEST_V1.equals(header)
        || MediaTypes.DOCKER_MANIFEST_V1_SIGNED.equals(header)) {
      throw new OciFormatException(
          "Docker schema 1 manifests are not supported; push the image again with a current"
              + " client to get schema 2");
    }
    if (header != null && field != null && isKnown(header) && !header.equals(field)) {
      throw new OciFormatException(
          "manifest served as '" + header + "' declares mediaType '" + field + "'");
    }
    String kind = isKnown(header) ? header : field;
    if (kind == null) {
      kind = tree.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    if (MediaTypes.isIndex(kind)) {
      if (!tree.path("manifests").isArray()) {
        throw new OciFormatException(
            "image index (" + kind + ") has no manifests array; is it an image manifest?");
      }
      return OciJson.treeToValue(tree, ImageIndex.class);
    }
    if (MediaTypes.isImageManifest(kind)) {
      return OciJson.treeToValue(tree, ImageManifest.class);
    }
    throw new OciFormatException(
        "unsupported manifest media type '"
            + kind
            + "'; expected one of "
            + MediaTypes.ALL_MANIFESTS);
  }

  private static boolean isKnown(String type) {
    return type != null && (MediaTypes.isIndex(type) || MediaTypes.isImageManifest(type));
  }

  /** The media type without parameters, lower-cased; null for null or blank input. */
  static String baseType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    String base = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim();
    return base.isEmpty() ? null : base.toLowerCase(Locale.ROOT);
  }
}
