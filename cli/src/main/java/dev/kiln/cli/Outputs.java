package dev.kiln.cli;

import dev.kiln.image.export.ExportSpec;
import dev.kiln.image.export.ExportSpecException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code -o}, {@code -t} and {@code --push} into export specs the way {@code docker buildx
 * build} does: tags name the image of image-writing outputs that have no name; {@code --push} makes
 * {@code type=image} outputs push; {@code -t} with {@code --push} and no {@code -o} pushes.
 */
final class Outputs {

  private Outputs() {}

  static List<ExportSpec> resolve(BuildRequest request, PrintStream warnings) throws CliException {
    List<ExportSpec> specs = new ArrayList<>();
    for (String o : request.outputs()) {
      ExportSpec spec;
      try {
        spec = ExportSpec.parse(o);
      } catch (ExportSpecException e) {
        throw new CliException("--output " + o + ": " + e.getMessage(), e);
      }
      specs.add(adjust(spec, request));
    }
    if (specs.isEmpty()) {
      if (request.push()) {
        if (request.tags().isEmpty()) {
          throw new CliException("--push needs an image name: add -t NAME:TAG");
        }
        try {
          specs.add(ExportSpec.fromTags(request.tags(), true));
        } catch (ExportSpecException e) {
          throw new CliException("-t: " + e.getMessage(), e);
        }
      } else {
        warnings.println(
            "WARNING: No output specified. The build result will only remain in kiln's build"
                + " cache. To push it use --push, to write it elsewhere use -o (e.g."
                + " -o type=oci,dest=image.tar or -o type=docker,dest=image.tar).");
      }
    }
    return specs;
  }

  private static ExportSpec adjust(ExportSpec spec, BuildRequest request) {
    boolean image = List.of("image", "oci", "docker").contains(spec.type());
    Map<String, String> attrs = new LinkedHashMap<>(spec.attrs());
    if (image && !attrs.containsKey("name") && !request.tags().isEmpty()) {
      attrs.put("name", String.join(",", request.tags()));
    }
    if ("image".equals(spec.type()) && request.push()) {
      attrs.put("push", "true");
    }
    return new ExportSpec(spec.type(), attrs);
  }

  /** A short description of an output for progress and errors: {@code oci dest=out.tar}. */
  static String describe(ExportSpec spec) {
    String where = spec.get("dest");
    if (where == null) {
      where = spec.get("name");
    }
    return spec.type() + (where == null ? "" : " " + where);
  }
}
