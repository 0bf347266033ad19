package dev.kiln.solver.layer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the content of a regular-file entry when the writer reaches it, so that a layer is streamed
 * and no file is held in memory. Each call returns a new stream that the caller closes.
 */
@FunctionalInterface
public interface ContentSource {

  /** Opens a new stream over the content. */
  InputStream open() throws IOException;

  /** Content read from {@code file} when the entry is written. */
  static ContentSource ofFile(Path file) {
    return () -> Files.newInputStream(file);
  }

  /** Content held in memory (for small generated files and tests); the array is copied. */
  static ContentSource ofBytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    return () -> new ByteArrayInputStream(copy);
  }
}
