package dev.kiln.solver.snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * Prepares root filesystems from chains of extracted layer directories and hands back what a RUN
 * changed. The shape the core {@code Snapshotter} port will take; adapters are {@link
 * OverlaySnapshotter} and {@link NativeSnapshotter}, picked by {@link Snapshotters#select}.
 *
 * <p>Lower directories are never modified. They hold extracted layers, with deletions marked either
 * as 0/0 character devices (overlay form) or as {@code .wh.<name>} files and opaque directories as
 * {@code .wh..wh..opq} files (OCI form); the overlay snapshotter also honours the {@code
 * trusted.overlay.opaque} xattr, the native one does not.
 *
 * <p>Implementations are thread-safe; operations on different keys run in parallel. Snapshots live
 * under the snapshotter's root directory until {@link #remove}d; {@link #close} releases mounts but
 * keeps directories.
 */
public interface Snapshotter extends AutoCloseable {

  /**
   * @return {@code overlay} or {@code native}
   */
  String name();

  /**
   * Prepares a writable rootfs over the chain.
   *
   * @param key a new key ({@code [A-Za-z0-9._-]+})
   * @param lowerDirs the parent chain, bottom (base layer) first; may be empty (scratch)
   * @return the handle; its {@code rootfs} may be written
   * @throws SnapshotException when the key exists or the rootfs cannot be made
   */
  SnapshotHandle prepare(String key, List<Path> lowerDirs) throws SnapshotException;

  /**
   * Prepares a read-only view of the chain (an input to bind-mount read-only). Cheaper than {@link
   * #prepare}: it may share files with the lower directories, so writing to it would corrupt them.
   *
   * @param key a new key
   * @param lowerDirs the parent chain, bottom first
   * @return the handle, {@code readOnly}
   * @throws SnapshotException when the key exists or the view cannot be made
   */
  SnapshotHandle view(String key, List<Path> lowerDirs) throws SnapshotException;

  /**
   * Ends writing to a prepared snapshot (the container has exited) and returns its changes. The
   * rootfs must not be used afterwards; the changes stay until {@link #remove}.
   *
   * @param key a prepared, writable key
   * @return the changes
   * @throws SnapshotException when the key is unknown or cannot be unmounted
   */
  SnapshotChanges commit(String key) throws SnapshotException;

  /**
   * Unmounts (if mounted) and deletes everything of the key. Removing an unknown key is a no-op.
   *
   * @param key the key
   * @throws SnapshotException when it cannot be unmounted or deleted
   */
  void remove(String key) throws SnapshotException;

  /** Releases mounts still held (lazily if busy); keeps directories. Idempotent. */
  @Override
  void close();
}
