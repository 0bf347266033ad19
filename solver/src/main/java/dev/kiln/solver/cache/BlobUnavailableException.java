package dev.kiln.solver.cache;

import dev.kiln.core.port.ContentNotFoundException;
import dev.kiln.core.port.ContentStoreException;
import dev.kiln.oci.Digest;
import java.util.Objects;

/**
 * A layer blob that a cache record names could not be brought into the local content store when it
 * was needed: deleted from the cache's registry, corrupt, or unreachable after the client's
 * retries. The scheduler reacts by forgetting every cached result that needs the blob and running
 * the steps that produced them instead of failing the build ({@link CacheManager#drop}). May arrive
 * wrapped in other exceptions (look through the causes, see {@link #find}).
 */
public class BlobUnavailableException extends ContentStoreException {

  private static final long serialVersionUID = 1L;

  private final transient Digest digest;

  /**
   * @param digest the blob
   * @param message one line: which blob, from where, and why
   * @param cause the underlying failure, or null
   */
  public BlobUnavailableException(Digest digest, String message, Throwable cause) {
    super(message);
    if (cause != null) {
      initCause(cause);
    }
    this.digest = Objects.requireNonNull(digest, "digest");
  }

  /** The blob that could not be fetched. */
  public Digest digest() {
    return digest;
  }

  /** The first {@link BlobUnavailableException} in {@code t}'s cause chain, or null. */
  public static BlobUnavailableException find(Throwable t) {
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof BlobUnavailableException b) {
        return b;
      }
    }
    return null;
  }

  /**
   * The blob of the first {@link BlobUnavailableException} or {@link ContentNotFoundException} in
   * {@code t}'s cause chain (a blob that cannot be fetched, or one missing from a store without
   * sources), or null.
   */
  public static Digest missingBlob(Throwable t) {
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof BlobUnavailableException b) {
        return b.digest();
      }
      if (c instanceof ContentNotFoundException n) {
        return n.digest();
      }
    }
    return null;
  }
}
