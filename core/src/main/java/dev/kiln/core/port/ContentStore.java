package dev.kiln.core.port;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.InputStream;

/**
 * Blobs addressed by their digest (layers, configs, manifests, cache configs).
 *
 * <p>Contract, checked by the {@code ContentStoreContract} test suite that every adapter runs:
 *
 * <ul>
 *   <li>Writes are atomic: a blob is visible under its digest only once all its bytes are stored
 *       and verified; a failed or interrupted write leaves nothing visible. Writing a blob that
 *       already exists succeeds and leaves the existing blob unchanged.
 *   <li>Reads are verified: the stream returned by {@link #open} throws {@link
 *       ContentDigestMismatchException} at its end if the stored bytes no longer hash to the
 *       digest, so corrupt content is never silently accepted.
 *   <li>Everything streams; no implementation holds a whole blob in memory (fakes excepted).
 *   <li>All methods are safe to call concurrently, including concurrent writes of the same blob.
 * </ul>
 */
public interface ContentStore {

  /** True when a blob with {@code digest} is stored. */
  boolean contains(Digest digest) throws IOException;

  /**
   * The size in bytes of the blob.
   *
   * @throws ContentNotFoundException if it is not stored
   */
  long size(Digest digest) throws IOException;

  /**
   * Opens the blob for reading; the caller closes the stream. The stream verifies the digest as
   * described above.
   *
   * @throws ContentNotFoundException if it is not stored
   */
  InputStream open(Digest digest) throws IOException;

  /**
   * Opens the blob for a reader that checks its digest itself, such as a push to a registry (the
   * registry refuses a blob whose bytes do not hash to the digest it is pushed as): the stream
   * starts at {@code offset} and does not hash what it reads. Every other reader uses {@link
   * #open}. The default opens a verified stream and skips to the offset.
   *
   * @throws ContentNotFoundException if it is not stored
   */
  default InputStream openUnverified(Digest digest, long offset) throws IOException {
    InputStream in = open(digest);
    try {
      in.skipNBytes(offset);
    } catch (IOException e) {
      in.close();
      throw e;
    }
    return in;
  }

  /**
   * Stores everything read from {@code content} (which the caller closes), hashing while it
   * streams.
   *
   * @param expected the digest the content must have, or null to accept whatever it hashes to
   * @return the digest and size of what was stored
   * @throws ContentDigestMismatchException if {@code expected} is given and does not match; then
   *     nothing is stored
   */
  Digests.Sized write(InputStream content, Digest expected) throws IOException;

  /**
   * Removes the blob if present; readers that already opened it may still finish.
   *
   * @return true if it was present
   */
  boolean delete(Digest digest) throws IOException;
}
