package dev.kiln.frontend.dockerfile.instructions;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stage with Docker's expansion applied to every instruction that Docker expands.
 *
 * @param stage the stage as written
 * @param from its FROM with image and platform expanded from the global ARGs
 * @param commands the instructions, expanded in order (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK,
 *     MAINTAINER and ONBUILD are kept as written)
 * @param env the ENV in force at the end of the stage (base environment included)
 * @param args the ARG values in force at the end of the stage
 */
public record ExpandedStage(
    Stage stage,
    Instruction.From from,
    List<Instruction> commands,
    Map<String, String> env,
    Map<String, String> args) {
  /** Validates and copies. */
  public ExpandedStage {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(from, "from");
    commands = List.copyOf(commands);
    env = Map.copyOf(env);
    args = Map.copyOf(args);
  }
}
