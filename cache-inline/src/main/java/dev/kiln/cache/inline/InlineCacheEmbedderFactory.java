package dev.kiln.cache.inline;

import dev.kiln.core.port.CacheAttributeException;
import dev.kiln.core.port.CacheEmbedder;
import dev.kiln.core.port.CacheEmbedderFactory;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.oci.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --cache-to type=inline}: takes {@code mode} ({@code min}, the only mode an inline cache
 * has; {@code max} is accepted with a warning, as buildx does) and {@code ignore-error}. The layers
 * are the image's, so the compression attributes belong on the image output ({@code --output
 * …,compression=zstd}) and are refused here with that hint. Thread-safe.
 */
public final class InlineCacheEmbedderFactory implements CacheEmbedderFactory {

  private static final String FLAG = "--cache-to type=inline";
  private static final Set<String> KEYS = Set.of("mode", "ignore-error");
  private static final Set<String> COMPRESSION =
      Set.of("compression", "compression-level", "force-compression", "oci-mediatypes");

  @Override
  public String type() {
    return "inline";
  }

  @Override
  public CacheEmbedder create(Map<String, String> attributes) {
    for (String key : new TreeSet<>(attributes.keySet())) {
      if (COMPRESSION.contains(key)) {
        throw new CacheAttributeException(
            FLAG
                + ": "
                + key
                + " is not an attribute of an inline cache: its layers are the image's, so set"
                + " "
                + key
                + " on the image output (e.g. --output type=image,…,"
                + key
                + "=…)");
      }
      if (!KEYS.contains(key)) {
        throw new CacheAttributeException(
            FLAG
                + ": unknown attribute '"
                + key
                + "' (known: "
                + String.join(", ", new TreeSet<>(KEYS))
                + ")");
      }
    }
    List<String> warnings = new ArrayList<>();
    String mode = attributes.get("mode");
    if ("max".equals(mode)) {
      warnings.add(
          FLAG
              + ",mode=max: an inline cache holds only the image's own layers, so mode=max is"
              + " ignored (min is used); use --cache-to type=registry,mode=max for the layers of"
              + " every step");
    } else if (mode != null && !mode.equals("min")) {
      throw new CacheAttributeException(FLAG + ": mode=" + mode + " is not supported (use min)");
    }
    return new InlineCacheEmbedder(
        new CacheExportOptions(
            CacheExportMode.MIN, MediaTypes.Compression.GZIP, null, false, ignoreError(attributes)),
        warnings);
  }

  /** {@code ignore-error} as Go's {@code strconv.ParseBool} reads it; empty means true. */
  private static boolean ignoreError(Map<String, String> attributes) {
    String v = attributes.get("ignore-error");
    if (v == null) {
      return false;
    }
    if (v.isEmpty() || List.of("1", "t", "T", "TRUE", "true", "True").contains(v)) {
      return true;
    }
    if (List.of("0", "f", "F", "FALSE", "false", "False").contains(v)) {
      return false;
    }
    throw new CacheAttributeException(
        FLAG + ": ignore-error=" + v + " is not a boolean (use true or false)");
  }
}
