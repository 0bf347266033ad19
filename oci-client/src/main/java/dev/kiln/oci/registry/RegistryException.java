package dev.kiln.oci.registry;

import java.util.List;
import java.util.Optional;

/**
 * A registry operation failed. The message names the operation and its target ("pushing blob
 * sha256:ab12… to localhost:5000/foo: …") and never contains credentials, tokens or full URLs
 * (redirect and upload URLs may carry signatures).
 */
public class RegistryException extends Exception {

  private final int statusCode;
  private final List<RegistryError> errors;

  /** A failure without an HTTP answer (network, TLS, local verification). */
  public RegistryException(String message, Throwable cause) {
    this(message, 0, List.of(), cause);
  }

  /** A failure with the HTTP status and the parsed error entries (possibly empty). */
  public RegistryException(
      String message, int statusCode, List<RegistryError> errors, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.errors = List.copyOf(errors);
  }

  /** The HTTP status of the failing answer, or 0 when there was none. */
  public int statusCode() {
    return statusCode;
  }

  /** The error entries the registry sent, in order; empty when the body had none. */
  public List<RegistryError> errors() {
    return errors;
  }

  /** The code of the first error entry, if any. */
  public Optional<ErrorCode> errorCode() {
    return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0).errorCode());
  }

  /** True when the registry reported {@code code} in any of its error entries. */
  public boolean hasErrorCode(ErrorCode code) {
    return errors.stream().anyMatch(e -> e.errorCode() == code);
  }

  /** True when repeating the whole operation later may succeed. */
  public boolean isRetryable() {
    if (statusCode == 408 || statusCode == 429 || statusCode >= 500) {
      return true;
    }
    return !errors.isEmpty() && errors.stream().allMatch(e -> e.errorCode().isRetryable());
  }
}
