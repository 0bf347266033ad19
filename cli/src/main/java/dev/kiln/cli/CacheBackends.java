package dev.kiln.cli;

import dev.kiln.core.port.CacheAttributeException;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheExporterFactory;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.core.port.CacheImporterFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cache backends of a build, by {@code type=} name: creates the exporter or importer of a
 * {@link CacheSpec}, turning an unknown type or a bad attribute into one {@link CliException} line.
 * Thread-safe.
 */
final class CacheBackends {

  private final Map<String, CacheExporterFactory> exporters = new TreeMap<>();
  private final Map<String, CacheImporterFactory> importers = new TreeMap<>();

  CacheBackends(List<CacheExporterFactory> exporters, List<CacheImporterFactory> importers) {
    exporters.forEach(f -> this.exporters.put(f.type(), f));
    importers.forEach(f -> this.importers.put(f.type(), f));
  }

  CacheExporter exporter(CacheSpec spec) throws CliException {
    CacheExporterFactory f = exporters.get(spec.type());
    if (f == null) {
      throw unknown(spec, exporters.keySet());
    }
    try {
      return f.create(spec.attrs());
    } catch (CacheAttributeException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  CacheImporter importer(CacheSpec spec) throws CliException {
    CacheImporterFactory f = importers.get(spec.type());
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
