package dev.kiln.oci.registry;

import java.util.Objects;

/**
 * One entry of a registry error body {@code {"errors":[{"code","message","detail"}]}}. The {@code
 * detail} is kept as compact JSON text whatever its JSON type. Immutable.
 *
 * @param code the raw code as sent (e.g. {@code BLOB_UNKNOWN})
 * @param message the human-readable message, possibly empty
 * @param detail the detail as JSON text, possibly empty
 */
public record RegistryError(String code, String message, String detail) {

  /** Requires a code; normalises null message and detail to empty. */
  public RegistryError {
    Objects.requireNonNull(code, "error code");
    message = message == null ? "" : message;
    detail = detail == null ? "" : detail;
  }

  /** The code as an enum. */
  public ErrorCode errorCode() {
    return ErrorCode.fromWire(code);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(code);
    if (!message.isEmpty()) {
      sb.append(": ").append(message);
    }
    if (!detail.isEmpty() && !"null".equals(detail)) {
      sb.append(" (").append(detail.length() > 200 ? detail.substring(0, 200) + "…" : detail);
      sb.append(')');
    }
    return sb.toString();
  }
}
