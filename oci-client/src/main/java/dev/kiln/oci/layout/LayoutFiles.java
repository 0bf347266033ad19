package dev.kiln.oci.layout;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Atomic file placement shared by the layout directory and tar extraction. */
final class LayoutFiles {

  private LayoutFiles() {}

  /**
   * Moves a finished, verified temp file to a content-addressed target. The target's name is its
   * digest, so an existing target has the same content and counts as success.
   */
  static void atomicPublish(Path tmp, Path target) throws IOException {
    if (Files.exists(target)) {
      return;
    }
    makeReadable(tmp);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // Another writer published the same content first.
    }
  }

  /** Replaces {@code target} (e.g. index.json) with {@code tmp} in one rename. */
  static void atomicReplace(Path tmp, Path target) throws IOException {
    makeReadable(tmp);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new OciLayoutException(
          "cannot atomically replace " + target + ": the file system does not support it", e);
    }
  }

  // createTempFile makes 0600 files; layouts are read by other tools and users, like skopeo's.
  private static void makeReadable(Path tmp) throws IOException {
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the platform default permissions apply.
    }
  }
}
