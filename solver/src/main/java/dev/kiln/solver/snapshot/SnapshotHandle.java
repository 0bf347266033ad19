package dev.kiln.solver.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A prepared snapshot: a directory that can serve as a container's rootfs (or, when {@code
 * readOnly}, as a read-only input to bind-mount with {@code ro}).
 *
 * @param key the caller's key, unique within the snapshotter
 * @param rootfs the directory to use
 * @param lowerDirs the parent chain it was made from, bottom (base layer) first
 * @param readOnly whether it is a view that must not be written
 */
public record SnapshotHandle(String key, Path rootfs, List<Path> lowerDirs, boolean readOnly) {

  /** Validates and copies. */
  public SnapshotHandle {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rootfs, "rootfs");
    lowerDirs = List.copyOf(lowerDirs);
  }
}
