package dev.kiln.image.internal;

import dev.kiln.oci.registry.BlobUnknownException;
import dev.kiln.oci.registry.ErrorCode;
import dev.kiln.oci.registry.ManifestUnknownException;
import dev.kiln.oci.registry.RegistryException;
import dev.kiln.oci.registry.RegistryUnauthorizedException;

/**
 * Turns a {@link RegistryException} into the one-line explanation kiln shows: what went wrong and
 * what to do. Not an API; shared by the image sources and exporters of this module.
 */
public final class RegistryErrors {

  private RegistryErrors() {}

  /**
   * The explanation of {@code e} for an operation on {@code host}. Known cases get a fixed hint;
   * anything else keeps the client's message, which names the request and never holds secrets.
   */
  public static String explain(RegistryException e, String host) {
    if (e instanceof ManifestUnknownException || e.hasErrorCode(ErrorCode.NAME_UNKNOWN)) {
      return "manifest unknown — check the image name and tag";
    }
    if (e instanceof RegistryUnauthorizedException) {
      return (e.statusCode() == 403 ? "access denied" : "unauthorized")
          + " — run docker login "
          + host
          + " with an account that may access this repository";
    }
    if (e instanceof BlobUnknownException) {
      return "a blob is missing in the registry — push the image again (" + e.getMessage() + ")";
    }
    return e.getMessage();
  }
}
