package dev.kiln.frontend.dockerfile.instructions;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which stages a target needs: the stage it is built FROM (an earlier stage name), and the stages
 * named or indexed by {@code COPY --from} and {@code RUN --mount from=}, transitively. References
 * that name no stage are images and are not stages to build. Stateless and thread-safe.
 */
public final class StageDependencies {
  private StageDependencies() {}

  /**
   * Returns the stages needed to build {@code target}, in Dockerfile order, the target last.
   *
   * @param df the Dockerfile
   * @param target the stage to build
   * @param buildArgs the {@code --build-arg} values (references may use ARGs)
   * @return the needed stages
   * @throws DockerfileParseException on a circular reference or a bad stage index
   */
  public static List<Stage> required(Dockerfile df, Stage target, Map<String, String> buildArgs)
      throws DockerfileParseException {
    Set<Integer> done = new TreeSet<>();
    visit(df, target, buildArgs, done, new LinkedHashSet<>());
    List<Stage> out = new ArrayList<>();
    for (int i : done) {
      out.add(df.stages().get(i));
    }
    return out;
  }

  /**
   * Returns the stages one stage refers to directly.
   *
   * @param df the Dockerfile
   * @param stage the stage
   * @param buildArgs the {@code --build-arg} values
   * @return the referenced stages, without duplicates
   * @throws DockerfileParseException on a bad stage index or expansion error
   */
  public static List<Stage> direct(Dockerfile df, Stage stage, Map<String, String> buildArgs)
      throws DockerfileParseException {
    ExpandedStage expanded = StageExpander.expand(df, stage, buildArgs, Map.of());
    Set<Stage> out = new LinkedHashSet<>();
    for (Stage earlier : df.stages().subList(0, stage.index())) {
      if (earlier.name().filter(n -> n.equalsIgnoreCase(expanded.from().image())).isPresent()) {
        out.add(earlier);
        break;
      }
    }
    for (Instruction ins : expanded.commands()) {
      if (ins instanceof Instruction.Copy c && c.from() != null) {
        resolve(df, stage, ins, c.from()).ifPresent(out::add);
      } else if (ins instanceof Instruction.Run r) {
        for (Mount m : r.mounts()) {
          if (m.from().isPresent()) {
            // by name only: a number is an image here (BuildKit's detectRunMount)
            df.stageByName(m.from().get()).ifPresent(out::add);
          }
        }
      }
    }
    return List.copyOf(out);
  }

  private static Optional<Stage> resolve(Dockerfile df, Stage current, Instruction ins, String ref)
      throws DockerfileParseException {
    if (ref.matches("[0-9]+")) {
      int index;
      try {
        index = Integer.parseInt(ref);
      } catch (NumberFormatException e) {
        index = Integer.MAX_VALUE;
      }
      if (index >= current.index()) {
        throw new DockerfileParseException(
            df.fileName(),
            ins.location().startLine(),
            "invalid from flag value "
                + ref
                + ": refers to current or future build stage (use an earlier stage's index or name)");
      }
      return Optional.of(df.stages().get(index));
    }
    return df.stageByName(ref);
  }

  private static void visit(
      Dockerfile df,
      Stage stage,
      Map<String, String> buildArgs,
      Set<Integer> done,
      LinkedHashSet<Integer> path)
      throws DockerfileParseException {
    if (done.contains(stage.index())) {
      return;
    }
    if (!path.add(stage.index())) {
      throw new DockerfileParseException(
          df.fileName(),
          stage.from().location().startLine(),
          "circular dependency detected on stage: " + stage.displayName());
    }
    for (Stage dep : direct(df, stage, buildArgs)) {
      visit(df, dep, buildArgs, done, path);
    }
    path.remove(stage.index());
    done.add(stage.index());
  }
}
