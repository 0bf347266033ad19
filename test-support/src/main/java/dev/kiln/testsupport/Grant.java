package dev.kiln.testsupport;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One rule of a {@link TokenServer} policy: {@code subject} may have {@code actions} on every
 * repository whose whole name matches {@code repository}.
 *
 * @param subject the user name, or {@code null} for anonymous requests
 * @param repository regular expression matched against the whole repository name
 * @param actions granted actions such as {@code pull}, {@code push}, {@code delete}, {@code *}
 */
public record Grant(String subject, Pattern repository, Set<String> actions) {
  /** Validates and copies. */
  public Grant {
    Objects.requireNonNull(repository, "repository");
    actions = Set.copyOf(actions);
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a grant needs at least one action");
    }
  }

  boolean appliesTo(String who, String repositoryName) {
    return Objects.equals(subject, who) && repository.matcher(repositoryName).matches();
  }
}
