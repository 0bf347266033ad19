package dev.kiln.core.graph;

import java.util.Objects;

/**
 * Ownership to apply to created or copied files ({@code --chown}).
 *
 * @param user the user, by id or by name (names are resolved in the base's {@code /etc/passwd})
 * @param group the group, or null to use the user's primary group
 */
public record Owner(Id user, Id group) {

  /** Requires a user. */
  public Owner {
    Objects.requireNonNull(user, "owner user");
  }

  /** A user or group, either numeric or by name; exactly one of the two is set. */
  public record Id(long id, String name) {

    /** Validates that exactly one form is used. */
    public Id {
      if (name == null ? id < 0 : (id != -1 || name.isEmpty())) {
        throw new IllegalArgumentException(
            "owner id must be either a non-negative number or a non-empty name");
      }
    }

    /** A numeric id. */
    public static Id of(long id) {
      return new Id(id, null);
    }

    /** A name, resolved in the target filesystem. */
    public static Id named(String name) {
      return new Id(-1, Objects.requireNonNull(name, "owner name"));
    }

    /** True when this is a name, not a number. */
    public boolean byName() {
      return name != null;
    }
  }

  /** Parses {@code user[:group]} where each part is numeric or a name. */
  public static Owner parse(String spec) {
    if (spec == null || spec.isEmpty() || spec.startsWith(":")) {
      throw new IllegalArgumentException("invalid owner '" + spec + "': expected user[:group]");
    }
    int colon = spec.indexOf(':');
    String u = colon < 0 ? spec : spec.substring(0, colon);
    String g = colon < 0 ? null : spec.substring(colon + 1);
    return new Owner(id(u), g == null || g.isEmpty() ? null : id(g));
  }

  private static Id id(String s) {
    return s.chars().allMatch(Character::isDigit) ? Id.of(Long.parseLong(s)) : Id.named(s);
  }
}
