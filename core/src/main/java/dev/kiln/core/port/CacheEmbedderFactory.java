package dev.kiln.core.port;

import java.util.Map;

/**
 * Creates {@link CacheEmbedder}s of one backend type ({@code inline}) from the attributes exactly
 * as the user typed them. Thread-safe.
 */
public interface CacheEmbedderFactory {

  /** The {@code type=} value this factory serves. */
  String type();

  /**
   * Parses and validates the attributes (without {@code type}) and creates the embedder.
   *
   * @throws CacheAttributeException for an unknown attribute or a bad value
   */
  CacheEmbedder create(Map<String, String> attributes);
}
