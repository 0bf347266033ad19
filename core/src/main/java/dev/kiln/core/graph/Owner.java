package dev.kiln.core.graph;

import java.util.Objects;

/**
 * Ownership to apply to created or copied files ({@code --chown}).
 *
 * @param user the user, by id or by name (names are resolved in the base's {@code /etc/passwd})
 * @param group the group, or null to use the user's primary group
 */
public record Owner(Id user, Id group) {

  /** The largest uid or gid (Go's {@code strconv.ParseUint(s, 10, 32)}). */
  private static final long MAX_ID = 0xffffffffL;

  /** Requires a user. */
  public Owner {
    Objects.requireNonNull(user, "owner user");
  }

  /**
   * A user or group, either numeric or by name; exactly one of the two is set. A name may be empty
   * ({@code --chown=:staff}): it matches no entry, so it resolves as an unknown name does.
   */
  public record Id(long id, String name) {

    /** Validates that exactly one form is used. */
    public Id {
      if (name == null ? id < 0 || id > MAX_ID : id != -1) {
        throw new IllegalArgumentException(
            "owner id must be either a number from 0 to 4294967295 or a name");
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

  /**
   * Parses {@code user[:group]} as BuildKit's {@code llb.WithUser}: split at the first colon; a
   * part that is a decimal number below 2^32 is an id, anything else a name (also an empty user, as
   * in {@code :staff}); an empty group means none.
   */
  public static Owner parse(String spec) {
    if (spec == null || spec.isEmpty()) {
      throw new IllegalArgumentException("invalid owner '" + spec + "': expected user[:group]");
    }
    int colon = spec.indexOf(':');
    String u = colon < 0 ? spec : spec.substring(0, colon);
    String g = colon < 0 ? null : spec.substring(colon + 1);
    return new Owner(id(u), g == null || g.isEmpty() ? null : id(g));
  }

  private static Id id(String s) {
    if (!s.isEmpty() && s.length() <= 10 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      long n = Long.parseLong(s);
      if (n <= MAX_ID) {
        return Id.of(n);
      }
    }
    return Id.named(s);
  }
}
