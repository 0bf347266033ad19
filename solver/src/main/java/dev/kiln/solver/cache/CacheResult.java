package dev.kiln.solver.cache;

import dev.kiln.oci.Descriptor;
import java.util.List;
import java.util.Objects;

/**
 * The result of one op output as the cache stores it: an opaque snapshot id (meaningful to the
 * worker that made it, possibly empty) and the chain of layer descriptors that reproduce the
 * filesystem, base layer first. The cache never interprets either; it only keeps and returns them.
 *
 * @param snapshotId the worker's id of the materialised result, or "" when there is none
 * @param layers the layer chain, base first; may be empty (e.g. scratch)
 */
public record CacheResult(String snapshotId, List<Descriptor> layers) {

  /** The empty filesystem with no snapshot. */
  public static final CacheResult EMPTY = new CacheResult("", List.of());

  /** Requires a snapshot id (possibly empty) and copies the chain. */
  public CacheResult {
    Objects.requireNonNull(snapshotId, "snapshotId");
    layers = List.copyOf(layers);
  }

  /** A result identified by a snapshot id only. */
  public static CacheResult ofSnapshot(String snapshotId) {
    return new CacheResult(snapshotId, List.of());
  }
}
