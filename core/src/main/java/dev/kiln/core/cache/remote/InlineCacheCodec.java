package dev.kiln.core.cache.remote;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The value of an inline cache (cache-format.md §4.1): the image config field {@value #CONFIG_KEY}
 * holds standard base64 (with padding) of the compact JSON array of cache records, whose {@code
 * layer} and {@code chains} indexes are positions in the image manifest's layers (0 = bottom).
 * Thread-safe.
 */
public final class InlineCacheCodec {

  /** The image config field that carries the inline cache. */
  public static final String CONFIG_KEY = "moby.buildkit.cache.v0";

  private InlineCacheCodec() {}

  /** The field's value for {@code records}: base64 of their JSON array, as BuildKit writes it. */
  public static String encode(List<CacheConfig.Record> records) {
    return Base64.getEncoder().encodeToString(CacheConfigCodec.encodeRecords(records));
  }

  /**
   * The records of a field value. Indexes are not checked against any image here.
   *
   * @throws CacheFormatException naming what is wrong: not base64 (e.g. truncated), or the decoded
   *     bytes are not a JSON array of records
   */
  public static List<CacheConfig.Record> decode(String value) throws CacheFormatException {
    byte[] json;
    try {
      json = Base64.getDecoder().decode(value.strip());
    } catch (IllegalArgumentException e) {
      throw new CacheFormatException(
          CONFIG_KEY + " is not base64 (" + e.getMessage() + "); the value may be truncated", e);
    }
    if (json.length == 0) {
      throw new CacheFormatException(CONFIG_KEY + " is empty");
    }
    try {
      return CacheConfigCodec.decodeRecords(json);
    } catch (CacheFormatException e) {
      String start = new String(json, 0, Math.min(json.length, 16), StandardCharsets.UTF_8);
      throw new CacheFormatException(
          CONFIG_KEY
              + " decodes to "
              + json.length
              + " bytes that are not a JSON array of cache records ("
              + e.getMessage()
              + "; it starts with '"
              + start.replaceAll("\\p{Cntrl}", "?")
              + "')",
          e);
    }
  }
}
