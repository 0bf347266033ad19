package dev.kiln.core.port;

import dev.kiln.oci.Digest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Computes the content checksum behind a content-based ("slow") cache key: a digest of the selected
 * paths of a materialised input that depends on file contents, permission bits, entry names, entry
 * types and symlink targets, and never on timestamps. The solver turns the result {@code C} into
 * the key {@code rootKey(C, -1)}.
 *
 * <p>Implementations must be deterministic (same tree, same selection and filter: same digest, on
 * any machine), must stream file contents, and must never follow a symlink out of {@code root}.
 * They must be safe to call concurrently. The algorithm of kiln's implementation is specified in
 * {@code core/README.md} ("Content checksum"); any other implementation must produce identical
 * digests, because the digests are stored in caches.
 */
public interface ContentChecksummer {

  /**
   * Checksums {@code selection} inside the directory {@code root}.
   *
   * @param root the materialised snapshot (a directory)
   * @param selection the paths to checksum
   * @param filter which entries below the selected paths take part
   * @return the checksum
   * @throws java.nio.file.NoSuchFileException if a non-wildcard selected path does not exist
   * @throws IOException if the tree cannot be read
   */
  Digest checksum(Path root, ContentSelection selection, PathFilter filter) throws IOException;
}
