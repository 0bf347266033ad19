package dev.kiln.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The JSON codec for the OCI model. One preconfigured, shared mapper; every method is thread-safe.
 *
 * <p>Output is canonical: compact (no whitespace, no trailing newline), fields in the order each
 * record declares (the spec's order), map entries sorted by key (as Go writes them), and fields the
 * spec makes optional omitted when null or empty. Serialising the same value twice gives the same
 * bytes, so {@link #encode} gives a stable digest. It is not byte-identical to what Go writers
 * produce (Go escapes {@code <>&} and may order fields differently); a digest of content someone
 * else wrote must be taken over the bytes they wrote.
 */
public final class OciJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private OciJson() {}

  /**
   * Parses {@code bytes} as a {@code type}.
   *
   * @param bytes UTF-8 JSON
   * @param type a model type such as {@link ImageConfig} or {@link Descriptor}
   * @throws OciFormatException if the bytes are not valid JSON for {@code type}; the message names
   *     the type and the problem
   */
  public static <T> T parse(byte[] bytes, Class<T> type) throws OciFormatException {
    try {
      T value = MAPPER.readValue(bytes, type);
      if (value == null) {
        throw new OciFormatException(type.getSimpleName() + " JSON is null");
      }
      return value;
    } catch (OciFormatException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new OciFormatException(
          "invalid " + type.getSimpleName() + " JSON: " + rootMessage(e), e);
    }
  }

  /** Parses {@code bytes} as a JSON tree; fails with {@link OciFormatException} if not JSON. */
  public static JsonNode parseTree(byte[] bytes) throws OciFormatException {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new OciFormatException("empty document where JSON was expected");
      }
      return node;
    } catch (OciFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new OciFormatException("invalid JSON: " + rootMessage(e), e);
    }
  }

  /** Converts a parsed JSON tree to a model type. */
  static <T> T treeToValue(JsonNode node, Class<T> type) throws OciFormatException {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new OciFormatException(
          "invalid " + type.getSimpleName() + " JSON: " + rootMessage(e), e);
    }
  }

  /**
   * The canonical JSON bytes of a model value (see the class comment).
   *
   * @throws IllegalArgumentException if {@code value} is not serialisable (not a model type)
   */
  public static byte[] toBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot serialise " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(),
          e);
    }
  }

  /** The canonical JSON of a model value as a string. */
  public static String toJson(Object value) {
    return new String(toBytes(value), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Converts a model value to a JSON tree (e.g. to compare documents structurally). */
  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /**
   * Serialises {@code value} canonically and describes the bytes.
   *
   * @param value a model value (manifest, index, config, …)
   * @param mediaType the media type to put in the descriptor
   */
  public static Encoded encode(Object value, String mediaType) {
    byte[] bytes = toBytes(value);
    Digest digest = Digests.sha256(bytes);
    return new Encoded(bytes, digest, Descriptor.of(mediaType, digest, bytes.length));
  }

  /** Serialises a manifest or index under its {@link Manifest#effectiveMediaType()}. */
  public static Encoded encode(Manifest manifest) {
    return encode(manifest, manifest.effectiveMediaType());
  }

  /**
   * Canonical bytes together with their digest and a descriptor (media type, digest, size).
   *
   * @param bytes the serialised content; do not modify
   * @param digest the sha256 of {@code bytes}
   * @param descriptor a descriptor of {@code bytes}
   */
  public record Encoded(byte[] bytes, Digest digest, Descriptor descriptor) {}

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg =
        t instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : t.getMessage();
    if (t != e && e instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
      msg =
          msg
              + " (at line "
              + jpe.getLocation().getLineNr()
              + ", column "
              + jpe.getLocation().getColumnNr()
              + ")";
    }
    return msg;
  }
}
