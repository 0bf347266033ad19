package dev.kiln.solver.layer;

/**
 * A layer holds an entry that would write outside the snapshot root (a {@code ..} component, an
 * absolute path, a write through a symlink that leaves the root, a hard link to outside) or an
 * entry kind kiln refuses (oversized headers, sparse files). Nothing is written outside the root;
 * the caller discards the partially written snapshot directory.
 */
public class UnsafeLayerException extends LayerException {

  /** With a message such as {@code layer sha256:…: entry '../x' escapes the snapshot root}. */
  public UnsafeLayerException(String message) {
    super(message);
  }
}
