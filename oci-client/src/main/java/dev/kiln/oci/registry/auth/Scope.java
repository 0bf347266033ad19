package dev.kiln.oci.registry.auth;

import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A Docker token scope: {@code type:name:action[,action…]}, e.g. {@code
 * repository:library/busybox:pull,push}. Actions are kept sorted so equal scopes compare equal.
 * Immutable.
 */
public record Scope(String type, String name, SortedSet<String> actions) {

  /** Validates and copies the actions. */
  public Scope {
    Objects.requireNonNull(type, "scope type");
    Objects.requireNonNull(name, "scope name");
    if (actions == null || actions.isEmpty()) {
      throw new IllegalArgumentException("scope " + type + ":" + name + " has no actions");
    }
    actions = Collections.unmodifiableSortedSet(new TreeSet<>(actions));
  }

  /** {@code repository:<repo>:pull}. */
  public static Scope pull(String repository) {
    return new Scope("repository", repository, new TreeSet<>(Arrays.asList("pull")));
  }

  /** {@code repository:<repo>:pull,push}. */
  public static Scope push(String repository) {
    return new Scope("repository", repository, new TreeSet<>(Arrays.asList("pull", "push")));
  }

  /**
   * Parses {@code type:name:actions}. The name may itself contain colons (a registry with a port in
   * a resource name), so the type is split at the first colon and the actions at the last.
   */
  public static Scope parse(String s) {
    int first = s.indexOf(':');
    int last = s.lastIndexOf(':');
    if (first <= 0 || last <= first + 1 || last == s.length() - 1) {
      throw new IllegalArgumentException("invalid scope '" + s + "': expected type:name:actions");
    }
    return new Scope(
        s.substring(0, first),
        s.substring(first + 1, last),
        new TreeSet<>(Arrays.asList(s.substring(last + 1).split(","))));
  }

  /** True when this scope grants at least what {@code other} asks for. */
  public boolean covers(Scope other) {
    return type.equals(other.type) && name.equals(other.name) && actions.containsAll(other.actions);
  }

  @Override
  public String toString() {
    return type + ":" + name + ":" + String.join(",", actions);
  }
}
