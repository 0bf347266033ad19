package dev.kiln.core.port;

import java.util.Map;

/**
 * Creates {@link CacheImporter}s of one backend type ({@code registry}, {@code local}) from the
 * attributes exactly as the user typed them. Thread-safe.
 */
public interface CacheImporterFactory {

  /** The {@code type=} value this factory serves. */
  String type();

  /**
   * Parses and validates the attributes (without {@code type}) and creates the importer; nothing is
   * contacted yet.
   *
   * @throws CacheAttributeException for an unknown or missing attribute or a bad value
   */
  CacheImporter create(Map<String, String> attributes);
}
