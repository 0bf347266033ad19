package dev.kiln.core.port;

import java.util.Map;

/**
 * Creates {@link CacheExporter}s of one backend type ({@code registry}, {@code local}, {@code
 * inline}) from the attributes exactly as the user typed them. Thread-safe.
 */
public interface CacheExporterFactory {

  /** The {@code type=} value this factory serves. */
  String type();

  /**
   * Parses and validates the attributes (without {@code type}) and creates the exporter; nothing is
   * contacted yet.
   *
   * @throws CacheAttributeException for an unknown or missing attribute or a bad value
   */
  CacheExporter create(Map<String, String> attributes);
}
