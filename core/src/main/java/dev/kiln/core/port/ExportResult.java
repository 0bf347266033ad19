package dev.kiln.core.port;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link ImageExporter} wrote (BuildKit's {@code containerimage.digest}, {@code
 * containerimage.config.digest} and {@code image.name}).
 *
 * @param type the exporter type ({@code image}, {@code oci}, {@code docker}, {@code local})
 * @param manifest descriptor of the image manifest written, or null for exporters that write no
 *     manifest ({@code local})
 * @param config digest of the config blob written, or null when {@code manifest} is null
 * @param names the image names written or pushed, in order; empty when none
 * @param destination where the output went, for display (a path or a registry host); never holds
 *     credentials
 */
public record ExportResult(
    String type, Descriptor manifest, Digest config, List<String> names, String destination) {

  /** Requires type and destination; manifest and config are both present or both null. */
  public ExportResult {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(destination, "destination");
    if ((manifest == null) != (config == null)) {
      throw new IllegalArgumentException("manifest and config must both be present or absent");
    }
    names = List.copyOf(names);
  }
}
