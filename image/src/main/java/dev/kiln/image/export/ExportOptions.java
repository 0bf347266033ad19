package dev.kiln.image.export;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The attributes every image-writing exporter shares.
 *
 * @param ociMediaTypes OCI media types (true) or Docker schema 2 ones (false)
 * @param sourceDateEpoch the {@code SOURCE_DATE_EPOCH} to stamp the config with, or null
 * @param annotations extra manifest annotations from {@code annotation.KEY=VALUE} attributes
 */
record ExportOptions(
    boolean ociMediaTypes, Instant sourceDateEpoch, Map<String, String> annotations) {

  ExportOptions {
    annotations = Map.copyOf(annotations);
  }

  static ExportOptions defaults(boolean oci) {
    return new ExportOptions(oci, null, Map.of());
  }

  /** {@code image}'s annotations plus these, these winning. */
  Map<String, String> mergeAnnotations(Map<String, String> base) {
    Map<String, String> all = new TreeMap<>(base);
    all.putAll(annotations);
    return all;
  }
}
