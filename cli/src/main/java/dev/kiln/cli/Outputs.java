package dev.kiln.cli;

import dev.kiln.image.export.ExportSpec;
import dev.kiln.image.export.ExportSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns {@code -o}, {@code -t}, {@code --push} and {@code --load} into outputs the way {@code
 * docker buildx build} does: tags name the image of image-writing outputs that have no name; {@code
 * --push} makes {@code type=image} outputs push; {@code -t} with {@code --push} and no {@code -o}
 * pushes; {@code --load}, or {@code type=docker} without {@code dest}, writes a docker archive to a
 * temporary file that is then given to {@code docker load}.
 */
final class Outputs {

  /**
   * One output.
   *
   * @param spec the exporter spec
   * @param typed what the user typed, for messages
   * @param loadFile the temporary archive to {@code docker load} afterwards, or null
   */
  record Output(ExportSpec spec, String typed, Path loadFile) {}

  private Outputs() {}

  static List<Output> resolve(BuildRequest request, Consumer<String> warnings) throws CliException {
    List<Output> outputs = new ArrayList<>();
    for (String o : request.outputs()) {
      ExportSpec spec;
      try {
        spec = ExportSpec.parse(o);
      } catch (ExportSpecException e) {
        throw new CliException("--output " + o + ": " + e.getMessage(), e);
      }
      outputs.add(adjust(spec, o, request));
    }
    if (request.load() && outputs.stream().noneMatch(o -> o.loadFile() != null)) {
      outputs.add(adjust(new ExportSpec("docker", Map.of()), "--load", request));
    }
    if (request.push() && outputs.stream().noneMatch(o -> o.spec().type().equals("image"))) {
      if (request.tags().isEmpty()) {
        throw new CliException("--push needs an image name: add -t NAME:TAG");
      }
      try {
        outputs.add(new Output(ExportSpec.fromTags(request.tags(), true), "--push", null));
      } catch (ExportSpecException e) {
        throw new CliException("-t: " + e.getMessage(), e);
      }
    }
    if (outputs.isEmpty()) {
      warnings.accept(
          "WARNING: No output specified. The build result will only remain in kiln's build"
              + " cache. To push it use --push, to load it into docker use --load, to write it"
              + " elsewhere use -o (e.g. -o type=oci,dest=image.tar).");
    }
    return outputs;
  }

  private static Output adjust(ExportSpec spec, String typed, BuildRequest request)
      throws CliException {
    boolean image = writesImage(spec);
    Map<String, String> attrs = new LinkedHashMap<>(spec.attrs());
    if (image && !attrs.containsKey("name") && !request.tags().isEmpty()) {
      attrs.put("name", String.join(",", request.tags()));
    }
    if ("image".equals(spec.type()) && request.push()) {
      attrs.put("push", "true");
    }
    Path load = null;
    if ("docker".equals(spec.type()) && !attrs.containsKey("dest")) {
      try {
        load = Files.createTempFile("kiln-load-", ".tar");
      } catch (IOException e) {
        throw new CliException("--load: cannot create a temporary file: " + e.getMessage(), e);
      }
      attrs.put("dest", load.toString());
    }
    return new Output(new ExportSpec(spec.type(), attrs), typed, load);
  }

  /** True for the outputs that write an image (a manifest and config): image, oci, docker. */
  static boolean writesImage(ExportSpec spec) {
    return List.of("image", "oci", "docker").contains(spec.type());
  }

  /** A short description of an output for progress and errors: {@code oci dest=out.tar}. */
  static String describe(Output output) {
    ExportSpec spec = output.spec();
    if (output.loadFile() != null) {
      return "docker image store";
    }
    String where = spec.get("dest");
    if (where == null) {
      where = spec.get("name");
    }
    return spec.type() + (where == null ? "" : " " + where);
  }
}
