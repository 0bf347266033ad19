package dev.kiln.cache.registry;

import dev.kiln.oci.registry.ErrorCode;
import dev.kiln.oci.registry.ManifestUnknownException;
import dev.kiln.oci.registry.RegistryException;
import dev.kiln.oci.registry.RegistryUnauthorizedException;

/** One-line reasons for registry failures of a cache import or export. */
final class RegistryMessages {

  private RegistryMessages() {}

  /** The reason for {@code e} on {@code registry}, with what to do where it is known. */
  static String explain(RegistryException e, String registry) {
    if (e instanceof ManifestUnknownException || e.hasErrorCode(ErrorCode.NAME_UNKNOWN)) {
      return "not found";
    }
    if (e instanceof RegistryUnauthorizedException) {
      return (e.statusCode() == 403 ? "access denied" : "unauthorized")
          + " (docker login "
          + registry
          + " with an account that may access this repository)";
    }
    return e.getMessage();
  }
}
