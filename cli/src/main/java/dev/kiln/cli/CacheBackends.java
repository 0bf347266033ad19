package dev.kiln.cli;

import dev.kiln.core.port.CacheAttributeException;
import dev.kiln.core.port.CacheEmbedder;
import dev.kiln.core.port.CacheEmbedderFactory;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheExporterFactory;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.core.port.CacheImporterFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cache backends of a build, by {@code type=} name: creates the exporter, embedder ({@code
 * --cache-to type=inline}) or importer of a {@link CacheSpec}, turning an unknown type or a bad
 * attribute into one {@link CliException} line. Thread-safe.
 */
final class CacheBackends {

  private final Map<String, CacheExporterFactory> exporters = new TreeMap<>();
  private final Map<String, CacheImporterFactory> importers = new TreeMap<>();
  private final Map<String, CacheEmbedderFactory> embedders = new TreeMap<>();

  CacheBackends(
      List<CacheExporterFactory> exporters,
      List<CacheImporterFactory> importers,
      List<CacheEmbedderFactory> embedders) {
    exporters.forEach(f -> this.exporters.put(f.type(), f));
    importers.forEach(f -> this.importers.put(f.type(), f));
    embedders.forEach(f -> this.embedders.put(f.type(), f));
  }

  /** True when {@code --cache-to type=TYPE} embeds the cache in the image ({@code inline}). */
  boolean embeds(CacheSpec spec) {
    return embedders.containsKey(spec.type());
  }

  CacheEmbedder embedder(CacheSpec spec) throws CliException {
    try {
      return embedders.get(spec.type()).create(spec.attrs());
    } catch (CacheAttributeException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  CacheExporter exporter(CacheSpec spec) throws CliException {
    CacheExporterFactory f = exporters.get(spec.type());
    if (f == null) {
      java.util.Set<String> known = new java.util.TreeSet<>(exporters.keySet());
      known.addAll(embedders.keySet());
      throw unknown(spec, known);
    }
    try {
      return f.create(spec.attrs());
    } catch (CacheAttributeException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  CacheImporter importer(CacheSpec spec) throws CliException {
    CacheImporterFactory f = importers.get(spec.type());
    if (f == null && embedders.containsKey(spec.type())) {
      throw new CliException(
          spec.flag()
              + " "
              + spec.typed()
              + ": an inline cache is read from its image: use --cache-from IMAGE (or"
              + " type=registry,ref=IMAGE)");
    }
    if (f == null) {
      throw unknown(spec, importers.keySet());
    }
    try {
      return f.create(spec.attrs());
    } catch (CacheAttributeException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  private static CliException unknown(CacheSpec spec, java.util.Set<String> known) {
    return new CliException(
        spec.flag()
            + " "
            + spec.typed()
            + ": unknown cache type '"
            + spec.type()
            + "' (kiln supports "
            + String.join(", ", known)
            + ")");
  }
}
