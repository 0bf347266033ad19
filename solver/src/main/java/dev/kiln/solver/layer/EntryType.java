package dev.kiln.solver.layer;

/** The kind of filesystem object a {@link LayerEntry} describes; one tar entry type each. */
public enum EntryType {
  /** A regular file with content (whiteouts are empty regular files named {@code .wh.*}). */
  FILE,
  /** A directory. */
  DIRECTORY,
  /** A symbolic link; {@link LayerEntry#linkTarget()} is written as-is. */
  SYMLINK,
  /**
   * A hard link to an earlier entry of the same layer, named by {@link LayerEntry#linkTarget()}.
   */
  HARDLINK,
  /** A character device with major/minor numbers. */
  CHAR_DEVICE,
  /** A block device with major/minor numbers. */
  BLOCK_DEVICE,
  /** A named pipe. */
  FIFO
}
