package dev.kiln.frontend.dockerfile.instructions;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.parser.Directives;
import dev.kiln.frontend.dockerfile.parser.DockerfileParser;
import dev.kiln.frontend.dockerfile.parser.Node;
import dev.kiln.frontend.dockerfile.parser.ParseResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A Dockerfile split into global ARGs (those before the first FROM) and stages.
 *
 * @param fileName the input's name, used in messages
 * @param directives the parser directives
 * @param metaArgs the ARG instructions before the first FROM
 * @param stages the stages in order
 * @param warnings parse warnings
 */
public record Dockerfile(
    String fileName,
    Directives directives,
    List<Instruction.Arg> metaArgs,
    List<Stage> stages,
    List<String> warnings) {
  /** Validates and copies. */
  public Dockerfile {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(directives, "directives");
    metaArgs = List.copyOf(metaArgs);
    stages = List.copyOf(stages);
    warnings = List.copyOf(warnings);
  }

  /**
   * Parses and interprets a Dockerfile.
   *
   * @param fileName the input's name for messages
   * @param text the file's content
   * @return the model
   * @throws DockerfileParseException on any syntax error, with the line
   */
  public static Dockerfile parse(String fileName, String text) throws DockerfileParseException {
    ParseResult result = DockerfileParser.parse(fileName, text);
    List<Instruction.Arg> metaArgs = new ArrayList<>();
    List<Stage> stages = new ArrayList<>();
    Instruction.From from = null;
    List<Instruction> commands = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node node : result.nodes()) {
      Instruction ins = InstructionParser.parse(fileName, node);
      if (ins instanceof Instruction.From f) {
        if (from != null) {
          stages.add(new Stage(stages.size(), from, commands));
          commands = new ArrayList<>();
        }
        if (f.stageName() != null && !names.add(f.stageName())) {
          throw new DockerfileParseException(
              fileName,
              node.startLine(),
              "duplicate stage name \"" + f.stageName() + "\" (stage names must be unique)");
        }
        from = f;
      } else if (from == null) {
        if (!(ins instanceof Instruction.Arg a)) {
          throw new DockerfileParseException(
              fileName,
              node.startLine(),
              node.keyword().toUpperCase(Locale.ROOT)
                  + " before the first FROM: no build stage in current context"
                  + " (only ARG may come before FROM)");
        }
        metaArgs.add(a);
      } else {
        commands.add(ins);
      }
    }
    if (from == null) {
      throw new DockerfileParseException(
          fileName, 0, "no FROM instruction: a Dockerfile needs at least one build stage");
    }
    stages.add(new Stage(stages.size(), from, commands));
    return new Dockerfile(fileName, result.directives(), metaArgs, stages, result.warnings());
  }

  /** Returns the stage with the given name (case-insensitive), if any. */
  public Optional<Stage> stageByName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return stages.stream().filter(s -> s.name().filter(lower::equals).isPresent()).findFirst();
  }

  /**
   * Returns the stage to build for {@code --target}; the last stage when {@code target} is null or
   * empty.
   *
   * @param target the stage name, or null
   * @return the stage
   * @throws DockerfileParseException naming the available stages when none matches
   */
  public Stage target(String target) throws DockerfileParseException {
    if (target == null || target.isEmpty()) {
      return stages.get(stages.size() - 1);
    }
    Optional<Stage> stage = stageByName(target);
    if (stage.isPresent()) {
      return stage.get();
    }
    List<String> available = new ArrayList<>();
    for (Stage s : stages) {
      s.name().ifPresent(available::add);
    }
    throw new DockerfileParseException(
        fileName,
        0,
        "target stage \""
            + target
            + "\" could not be found"
            + (available.isEmpty()
                ? " (the Dockerfile has no named stages; name one with FROM image AS name)"
                : " (available stages: " + String.join(", ", available) + ")"));
  }
}
