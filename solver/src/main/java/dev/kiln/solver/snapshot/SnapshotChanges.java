package dev.kiln.solver.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a committed snapshot hands to the layer differ.
 *
 * @param kind how {@code changes} is to be read
 * @param changes for {@link Kind#OVERLAY_UPPERDIR} the overlay upper directory, which holds only
 *     the changes (deletions as 0/0 character devices, replaced directories marked with the {@code
 *     trusted.overlay.opaque} xattr); for {@link Kind#NATIVE_TREE} the complete new tree, to be
 *     compared with the merged {@code lowerDirs}
 * @param lowerDirs the parent chain, bottom first
 */
public record SnapshotChanges(Kind kind, Path changes, List<Path> lowerDirs) {

  /** The representation of the changes. */
  public enum Kind {
    /** An overlayfs upperdir: only what changed. */
    OVERLAY_UPPERDIR,
    /** A full tree; the diff is against the lower chain. */
    NATIVE_TREE
  }

  /** Validates and copies. */
  public SnapshotChanges {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(changes, "changes");
    lowerDirs = List.copyOf(lowerDirs);
  }
}
