package dev.kiln.core.archfixture;

import dev.kiln.oci.registry.auth.RegistryAuthorizer;

/** A deliberately misplaced class: "core" code touching the registry HTTP package. */
public final class ReachesIntoRegistry {
  private ReachesIntoRegistry() {}

  /** Touches the registry package so ArchUnit sees the dependency. */
  public static Object authorizer() {
    return RegistryAuthorizer.ANONYMOUS;
  }
}
