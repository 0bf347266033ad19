package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.port.ExportResult;
import dev.kiln.image.export.OutputFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code --metadata-file} as {@code docker buildx build} does: {@code
 * containerimage.digest}, {@code containerimage.config.digest}, {@code containerimage.descriptor}
 * and {@code image.name} of the first output that wrote an image. Written with {@link OutputFiles}:
 * a reader never sees half a file, and the mode follows the umask.
 */
final class Metadata {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Metadata() {}

  static void write(Path file, List<ExportResult> results) throws CliException {
    ObjectNode root = JSON.createObjectNode();
    for (ExportResult r : results) {
      if (r.manifest() == null) {
        continue;
      }
      root.put("containerimage.digest", r.manifest().digest().toString());
      root.put("containerimage.config.digest", r.config().toString());
      root.set("containerimage.descriptor", dev.kiln.oci.OciJson.toTree(r.manifest()));
      if (!r.names().isEmpty()) {
        root.put("image.name", String.join(",", r.names()));
      }
      break;
    }
    try {
      OutputFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, root));
    } catch (IOException e) {
      throw new CliException("--metadata-file " + file + ": " + e.getMessage(), e);
    }
  }
}
