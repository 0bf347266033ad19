package dev.kiln.oci.registry;

import java.util.List;

/** The blob does not exist in the repository (404 or BLOB_UNKNOWN). */
public class BlobUnknownException extends RegistryException {

  /** A failure with the HTTP status and the parsed error entries. */
  public BlobUnknownException(String message, int statusCode, List<RegistryError> errors) {
    super(message, statusCode, errors, null);
  }
}
