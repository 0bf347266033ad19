package dev.kiln.core.port;

import dev.kiln.oci.Digest;

/** The content store has no blob with the requested digest. */
public final class ContentNotFoundException extends ContentStoreException {

  private static final long serialVersionUID = 1L;

  private final transient Digest digest;

  /** Creates the exception for {@code digest}. */
  public ContentNotFoundException(Digest digest) {
    super("blob " + digest + " not found in the content store");
    this.digest = digest;
  }

  /** The missing digest. */
  public Digest digest() {
    return digest;
  }
}
