package dev.kiln.oci.registry;

import java.util.List;

/** The manifest does not exist in the repository (404 or MANIFEST_UNKNOWN). */
public class ManifestUnknownException extends RegistryException {

  /** A failure with the HTTP status and the parsed error entries. */
  public ManifestUnknownException(String message, int statusCode, List<RegistryError> errors) {
    super(message, statusCode, errors, null);
  }
}
