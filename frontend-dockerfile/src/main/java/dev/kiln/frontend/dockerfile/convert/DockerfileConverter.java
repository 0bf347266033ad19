package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.instructions.Dockerfile;
import dev.kiln.frontend.dockerfile.instructions.Instruction;
import dev.kiln.frontend.dockerfile.instructions.Stage;
import dev.kiln.frontend.dockerfile.instructions.StageDependencies;
import dev.kiln.frontend.dockerfile.instructions.StageExpander;
import dev.kiln.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts a Dockerfile into core's build graph and the image config to export, as BuildKit's
 * {@code dockerfile2llb} does: only the stages the target needs are converted; base image configs
 * come from the request's {@link ImageConfigResolver}; every error names the file and line ({@code
 * Dockerfile:12: …}). Stateless and thread-safe; each call is independent.
 */
public final class DockerfileConverter {
  private DockerfileConverter() {}

  /**
   * Converts the request's Dockerfile.
   *
   * @param request the Dockerfile, build args, target, context excludes, platform and resolver
   * @return the target's state and image config
   * @throws DockerfileParseException on a syntax error, an unsupported feature, or a failure to
   *     resolve a base image, naming the file and line
   */
  public static ConversionResult convert(ConversionRequest request)
      throws DockerfileParseException {
    Dockerfile parsed = Dockerfile.parse(request.fileName(), request.dockerfile());
    Stage target = parsed.target(request.target());
    Dockerfile df = withPlatformArgs(parsed, request.platform(), target.name().orElse(""));
    // validates stage references and rejects cycles before anything is converted
    StageDependencies.required(df, target, request.buildArgs());
    Map<String, String> meta = StageExpander.resolveMetaArgs(df, request.buildArgs());
    Conversion conversion = new Conversion(df, request, meta);
    Conversion.Result result = conversion.stage(target);
    StageContext ctx = result.context();
    return new ConversionResult(
        ctx.withProcessContext(ctx.env), ctx.toImageConfig(), target.displayName());
  }

  /**
   * Declares BuildKit's automatic ARGs ({@code defaultArgs}) in the global scope, so {@code FROM
   * --platform=$BUILDPLATFORM} works and a bare {@code ARG TARGETOS} in a stage gets its value; a
   * {@code --build-arg} of the same name overrides one. Build and target platform are both the
   * native one. {@code BUILDOSVERSION}/{@code TARGETOSVERSION} exist since dockerfile 1.13 and
   * {@code TARGETSTAGE} (the target stage's name, {@code default} for an unnamed one) since 1.11.
   */
  private static Dockerfile withPlatformArgs(Dockerfile df, Platform p, String targetStage) {
    String spec = p.toString();
    String variant = p.variant() == null ? "" : p.variant();
    String osVersion = p.osVersion() == null ? "" : p.osVersion();
    List<Instruction.KeyValue> kvs = new ArrayList<>();
    for (String side : List.of("BUILD", "TARGET")) {
      kvs.add(new Instruction.KeyValue(side + "PLATFORM", spec));
      kvs.add(new Instruction.KeyValue(side + "OS", p.os()));
      kvs.add(new Instruction.KeyValue(side + "OSVERSION", osVersion));
      kvs.add(new Instruction.KeyValue(side + "ARCH", p.architecture()));
      kvs.add(new Instruction.KeyValue(side + "VARIANT", variant));
    }
    kvs.add(
        new Instruction.KeyValue("TARGETSTAGE", targetStage.isEmpty() ? "default" : targetStage));
    List<Instruction.Arg> metaArgs = new ArrayList<>();
    metaArgs.add(new Instruction.Arg(new Instruction.Location(0, 0, "ARG (automatic)"), kvs));
    metaArgs.addAll(df.metaArgs());
    return new Dockerfile(df.fileName(), df.directives(), metaArgs, df.stages(), df.warnings());
  }
}
