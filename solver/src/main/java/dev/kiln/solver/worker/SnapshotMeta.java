package dev.kiln.solver.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.oci.Descriptor;
import java.util.List;
import java.util.Objects;

/**
 * What {@code snapshots/<id>/meta.json} says about a committed snapshot: how its diff directory
 * {@code d/} is to be read and what it stacks on. Written once, at commit, never changed.
 *
 * @param kind how the snapshot was made, which decides how its layer tar is produced
 * @param parent the snapshot below it, or null at the bottom (and for merges and flats)
 * @param parents the inputs of a merge, in order; empty otherwise
 * @param ociMarkers whether {@code d/} keeps whiteouts as {@code .wh.} files (a worker without
 *     root) rather than as overlayfs' character devices and opaque xattrs
 * @param blob for {@link Kind#LAYER}: the blob it was unpacked from (with its diffID annotation)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SnapshotMeta(
    Kind kind, String parent, List<String> parents, boolean ociMarkers, Descriptor blob) {

  /** How a snapshot was made. */
  enum Kind {
    /**
     * A whole tree over nothing (a build context copy, a file op on scratch): its layer is every
     * entry of {@code d/} as it is, and it holds no whiteout markers.
     */
    TREE,
    /**
     * The changes of a step over its parent in overlay form (or OCI markers): its layer is {@code
     * d/} with the markers turned into OCI whiteouts.
     */
    DIFF,
    /** A layer blob unpacked into {@code d/} (a base image layer, a rebuilt result): its blob. */
    LAYER,
    /** A merge of other snapshots' chains; no {@code d/} of its own, no layer. */
    MERGE,
    /** A chain flattened into one tree, only ever used as an overlay lower; not a layer. */
    FLAT
  }

  SnapshotMeta {
    Objects.requireNonNull(kind, "kind");
    parents = parents == null ? List.of() : List.copyOf(parents);
    if (kind == Kind.LAYER) {
      Objects.requireNonNull(blob, "blob of a layer snapshot");
    }
  }

  static SnapshotMeta tree() {
    return new SnapshotMeta(Kind.TREE, null, List.of(), false, null);
  }

  static SnapshotMeta diff(String parent, boolean ociMarkers) {
    return new SnapshotMeta(Kind.DIFF, parent, List.of(), ociMarkers, null);
  }

  static SnapshotMeta layer(String parent, boolean ociMarkers, Descriptor blob) {
    return new SnapshotMeta(Kind.LAYER, parent, List.of(), ociMarkers, blob);
  }

  static SnapshotMeta merge(List<String> parents) {
    return new SnapshotMeta(Kind.MERGE, null, parents, false, null);
  }

  static SnapshotMeta flat() {
    return new SnapshotMeta(Kind.FLAT, null, List.of(), false, null);
  }

  /** True for the kinds that are one layer of an image (they have a diff directory and a tar). */
  boolean isLayer() {
    return kind == Kind.TREE || kind == Kind.DIFF || kind == Kind.LAYER;
  }
}
