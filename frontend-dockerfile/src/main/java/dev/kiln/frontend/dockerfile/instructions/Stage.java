package dev.kiln.frontend.dockerfile.instructions;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One build stage: a FROM and the instructions up to the next FROM.
 *
 * @param index the 0-based position in the Dockerfile
 * @param from the stage's FROM instruction (unexpanded)
 * @param commands the instructions after FROM
 */
public record Stage(int index, Instruction.From from, List<Instruction> commands) {
  /** Validates and copies. */
  public Stage {
    Objects.requireNonNull(from, "from");
    commands = List.copyOf(commands);
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative");
    }
  }

  /** Returns the stage name from {@code AS name} (lower case), if any. */
  public Optional<String> name() {
    return Optional.ofNullable(from.stageName());
  }

  /** Returns the name, or the index as text for an unnamed stage. */
  public String displayName() {
    return name().orElse(Integer.toString(index));
  }
}
