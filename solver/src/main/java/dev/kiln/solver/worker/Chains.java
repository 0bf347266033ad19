package dev.kiln.solver.worker;

import dev.kiln.core.cache.ImageKeys;
import dev.kiln.core.port.ContentNotFoundException;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.layer.DiffFormat;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.layer.LayerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a {@link CacheResult} into the chain of committed layer snapshots it stands for. A result
 * with a snapshot id that exists is that snapshot's chain. A result known only by its layer
 * descriptors (a base image, or a result whose snapshot is gone but whose blobs were exported, or
 * one imported from a cache) is materialised here: each layer becomes its own snapshot, {@code
 * b<chain ID>}, unpacked once from its blob (fetched through the {@link BlobFetcher} when not in
 * the content store) and shared by every build and every result stacked on the same layers.
 * Thread-safe; a layer is unpacked at most once at a time.
 */
final class Chains {

  /**
   * A chain: the snapshot whose layers it is (null for the empty chain) and those layer snapshots,
   * bottom first.
   */
  record Chain(String top, List<String> layers) {
    static final Chain EMPTY = new Chain(null, List.of());

    Chain {
      layers = List.copyOf(layers);
    }

    boolean isEmpty() {
      return layers.isEmpty();
    }
  }

  private final SnapshotStore store;
  private final BlobFetcher blobs;
  private final LayerApplier applier;
  private final DiffFormat format;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  Chains(SnapshotStore store, BlobFetcher blobs, LayerApplier applier, DiffFormat format) {
    this.store = store;
    this.blobs = blobs;
    this.applier = applier;
    this.format = format;
  }

  /** The chain of a committed snapshot. */
  Chain of(String snapshotId) throws IOException {
    return new Chain(snapshotId, store.layers(snapshotId));
  }

  /**
   * The chain of {@code result}, unpacking layers from blobs where needed.
   *
   * @throws IOException if its snapshot is gone and it has no layer descriptors to rebuild it from
   *     (the message says to run with {@code --no-cache}), or a blob cannot be fetched or unpacked
   */
  Chain of(CacheResult result) throws IOException {
    String id = result.snapshotId();
    if (!id.isEmpty() && store.exists(id)) {
      return of(id);
    }
    if (result.layers().isEmpty()) {
      if (id.isEmpty()) {
        return Chain.EMPTY;
      }
      throw new IOException(
          (id.startsWith("l") ? "the snapshot of a build context" : "snapshot " + id)
              + " is missing and its layers were never exported; run the build with --no-cache");
    }
    List<Digest> diffIds = new ArrayList<>();
    String parent = null;
    List<String> ids = new ArrayList<>();
    for (Descriptor d : result.layers()) {
      Digest diffId;
      try {
        diffId = SnapshotStore.diffId(d);
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage() + "; run the build with --no-cache", e);
      }
      diffIds.add(diffId);
      parent = layer(parent, d, ImageKeys.chainId(diffIds), diffId);
      ids.add(parent);
    }
    return new Chain(parent, ids);
  }

  /**
   * The layer snapshot ids {@code result} stands for, without unpacking: the snapshot's chain, or
   * for layer descriptors the ids they are (or would be) unpacked as.
   */
  List<String> ids(CacheResult result) throws IOException {
    String id = result.snapshotId();
    if (!id.isEmpty() && store.exists(id)) {
      return store.layers(id);
    }
    if (result.layers().isEmpty()) {
      return id.isEmpty() ? List.of() : of(result).layers();
    }
    List<Digest> diffIds = new ArrayList<>();
    List<String> out = new ArrayList<>();
    for (Descriptor d : result.layers()) {
      try {
        diffIds.add(SnapshotStore.diffId(d));
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage() + "; run the build with --no-cache", e);
      }
      out.add(SnapshotStore.id('b', ImageKeys.chainId(diffIds)));
    }
    return out;
  }

  /**
   * Unpacks a layer whose diffID is not known yet (an image config without {@code diff_ids}) on top
   * of {@code parent}.
   *
   * @param chainBelow the diffIDs of the layers below, bottom first
   * @return the snapshot id; its blob descriptor carries the diffID found
   */
  String layerOfUnknownDiff(String parent, Descriptor blob, List<Digest> chainBelow)
      throws IOException {
    blobs.ensure(blob);
    Path temp = store.newTemp();
    try {
      Digest diffId = unpack(blob, temp, null);
      List<Digest> chain = new ArrayList<>(chainBelow);
      chain.add(diffId);
      String id = SnapshotStore.id('b', ImageKeys.chainId(chain));
      Descriptor annotated = blob.withAnnotation(SnapshotStore.UNCOMPRESSED, diffId.toString());
      store.commit(temp, id, SnapshotMeta.layer(parent, !format.overlayForm(), annotated));
      return id;
    } catch (IOException | RuntimeException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  /** The blob a layer snapshot was unpacked from (with its diffID annotation). */
  Descriptor blobOf(String layerId) throws IOException {
    return store.meta(layerId).blob();
  }

  private String layer(String parent, Descriptor blob, Digest chainId, Digest diffId)
      throws IOException {
    String id = SnapshotStore.id('b', chainId);
    if (store.exists(id)) {
      return id;
    }
    synchronized (locks.computeIfAbsent(id, k -> new Object())) {
      if (store.exists(id)) {
        return id;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new java.io.InterruptedIOException("unpacking layers cancelled");
      }
      blobs.ensure(blob);
      Path temp = store.newTemp();
      try {
        unpack(blob, temp, diffId);
        store.commit(temp, id, SnapshotMeta.layer(parent, !format.overlayForm(), blob));
        return id;
      } catch (IOException | RuntimeException e) {
        SnapshotStore.deleteTree(temp);
        throw e;
      }
    }
  }

  private Digest unpack(Descriptor blob, Path temp, Digest expected) throws IOException {
    Path d = SnapshotStore.createRoot(temp.resolve("d"));
    try (InputStream in = blobs.store().open(blob.digest())) {
      return applier.unpack(blob.digest().toString(), in, d, expected, format).diffId();
    } catch (ContentNotFoundException e) {
      throw new IOException(
          "layer "
              + blob.digest()
              + " is not in the content store and no image or cache source provides it;"
              + " run the build with --no-cache",
          e);
    } catch (LayerException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
