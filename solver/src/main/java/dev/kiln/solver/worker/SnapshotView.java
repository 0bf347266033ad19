package dev.kiln.solver.worker;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A read-only view of a result's root file system ({@link LocalWorker#view}): a directory valid
 * until {@link #close()} (with the overlay snapshotter, a mount that closing releases). Must not be
 * written. Not thread-safe to close twice concurrently.
 */
public interface SnapshotView extends AutoCloseable {

  /** The root directory of the file system. */
  Path root();

  /** Releases the view; {@link #root()} must not be used afterwards. */
  @Override
  void close() throws IOException;
}
