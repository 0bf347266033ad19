package dev.kiln.oci.registry;

import java.util.List;

/**
 * The registry refused the request: 401 or 403, or the codes UNAUTHORIZED or DENIED. Also raised
 * when a repository is not visible to the caller (some registries answer 401 rather than 404).
 */
public class RegistryUnauthorizedException extends RegistryException {

  /** A failure with the HTTP status and the parsed error entries. */
  public RegistryUnauthorizedException(String message, int statusCode, List<RegistryError> errors) {
    super(message, statusCode, errors, null);
  }
}
