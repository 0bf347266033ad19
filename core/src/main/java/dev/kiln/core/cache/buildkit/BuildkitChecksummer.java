package dev.kiln.core.cache.buildkit;

import dev.kiln.core.port.ContentChecksummer;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathFilter;
import dev.kiln.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@link ContentChecksummer} computing BuildKit's content checksum ({@code cache/contenthash}) of a
 * selection of a materialised snapshot, for the content keys of {@link BuildkitKeys}. The algorithm
 * is chosen by {@link ContentSelection#algorithm()} (one of the {@link BuildkitKeys#contentHash()}
 * names); a build-context selection hashes the root header and the owners as BuildKit's local
 * source does. The {@link PathFilter} is not used: BuildKit hashes what the snapshot holds.
 * Stateless and thread-safe; streams file contents.
 */
public final class BuildkitChecksummer implements ContentChecksummer {

  @Override
  public Digest checksum(Path root, ContentSelection selection, PathFilter filter)
      throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "snapshot root is not a directory");
    }
    return checksum(new DirectoryTree(root), selection);
  }

  /**
   * BuildKit's content checksum of {@code selection} in {@code tree} (any {@link ChecksumTree}).
   *
   * @throws NoSuchFileException if a non-wildcard selected path does not exist
   * @throws IllegalArgumentException if the selection's algorithm is not a BuildKit one
   */
  public static Digest checksum(ChecksumTree tree, ContentSelection selection) throws IOException {
    return new ContentHash(tree, formulas(selection), selection.buildContext())
        .checksum(selection.paths());
  }

  /** Whether {@code algorithm} is one of BuildKit's content hashes this class computes. */
  public static boolean supports(String algorithm) {
    return algorithm.equals(Formulas.V0_11.contentHash())
        || algorithm.equals(Formulas.V0_32.contentHash());
  }

  private static Formulas formulas(ContentSelection selection) {
    if (selection.algorithm().equals(Formulas.V0_11.contentHash())) {
      return Formulas.V0_11;
    }
    if (selection.algorithm().equals(Formulas.V0_32.contentHash())) {
      return Formulas.V0_32;
    }
    throw new IllegalArgumentException(
        "content hash algorithm '" + selection.algorithm() + "' is not a BuildKit one");
  }
}
