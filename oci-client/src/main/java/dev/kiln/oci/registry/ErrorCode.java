package dev.kiln.oci.registry;

import java.util.Locale;

/**
 * The error codes of the OCI distribution spec, plus the legacy and distribution-specific codes
 * seen in the wild. A code the client does not know maps to {@link #UNRECOGNIZED}.
 */
public enum ErrorCode {
  /** The blob is unknown to the registry. */
  BLOB_UNKNOWN,
  /** The upload session is in an invalid state (for example a stale Location was used). */
  BLOB_UPLOAD_INVALID,
  /** The upload session is unknown (expired, cancelled, or served by another replica). */
  BLOB_UPLOAD_UNKNOWN,
  /** The digest did not match the uploaded content. */
  DIGEST_INVALID,
  /** A manifest references a blob the registry does not have. */
  MANIFEST_BLOB_UNKNOWN,
  /** The manifest is invalid (for example its media type does not match its Content-Type). */
  MANIFEST_INVALID,
  /** The manifest is unknown. */
  MANIFEST_UNKNOWN,
  /** Legacy: the manifest signature could not be verified. */
  MANIFEST_UNVERIFIED,
  /** The repository name is invalid. */
  NAME_INVALID,
  /** The repository is unknown. */
  NAME_UNKNOWN,
  /** Invalid pagination number. */
  PAGINATION_NUMBER_INVALID,
  /** Invalid range. */
  RANGE_INVALID,
  /** The content length did not match. */
  SIZE_INVALID,
  /** Legacy: the tag is invalid. */
  TAG_INVALID,
  /** Authentication required. */
  UNAUTHORIZED,
  /** Access denied. */
  DENIED,
  /** The operation is not supported (for example deletion is disabled). */
  UNSUPPORTED,
  /** Rate limited. */
  TOOMANYREQUESTS,
  /** distribution: an unknown server-side error. */
  UNKNOWN,
  /** distribution: the service is unavailable. */
  UNAVAILABLE,
  /** A code this client does not know; the raw code is kept in {@link RegistryError#code()}. */
  UNRECOGNIZED;

  /** Maps a wire code (case-insensitive) to the enum, {@link #UNRECOGNIZED} when unknown. */
  public static ErrorCode fromWire(String code) {
    if (code == null) {
      return UNRECOGNIZED;
    }
    try {
      return valueOf(code.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNRECOGNIZED;
    }
  }

  /**
   * True when repeating the operation from its start may succeed: rate limits, transient server
   * errors, and broken upload sessions (which are restarted from a new POST).
   */
  public boolean isRetryable() {
    return switch (this) {
      case TOOMANYREQUESTS, UNAVAILABLE, UNKNOWN, BLOB_UPLOAD_INVALID, BLOB_UPLOAD_UNKNOWN -> true;
      default -> false;
    };
  }

  /** True for the codes after which a blob upload is restarted from a new session. */
  boolean restartsUpload() {
    return this == BLOB_UPLOAD_INVALID || this == BLOB_UPLOAD_UNKNOWN;
  }
}
