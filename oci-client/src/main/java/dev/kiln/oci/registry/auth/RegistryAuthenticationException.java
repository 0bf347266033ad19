package dev.kiln.oci.registry.auth;

import java.io.IOException;

/**
 * Authentication with a registry or its token endpoint failed. Messages name the registry and the
 * endpoint and say what to check; they never contain credentials or tokens.
 */
public class RegistryAuthenticationException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An authentication failure with a message. */
  public RegistryAuthenticationException(String message) {
    super(message);
  }

  /** An authentication failure with a message and its cause. */
  public RegistryAuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
