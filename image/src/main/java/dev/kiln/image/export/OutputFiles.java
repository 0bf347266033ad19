package dev.kiln.image.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file the user asked for ({@code -o type=oci,dest=FILE}, {@code --metadata-file}, {@code
 * --iidfile}) as docker does: created with the user's umask (0644 under the usual 022), never
 * half-written (a temporary file next to it, then one rename). {@code Files.createTempFile} is not
 * used because it makes 0600 files whatever the umask. Stateless.
 */
public final class OutputFiles {

  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Content {
    /**
     * Writes everything; the stream is closed by the caller.
     *
     * @param out the temporary file's stream
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }

  private OutputFiles() {}

  /**
   * Writes {@code dest} atomically, creating its parent directories.
   *
   * @param dest the file to create or replace
   * @param content what to write
   * @throws IOException if the file cannot be written; {@code dest} is then unchanged
   */
  public static void write(Path dest, Content content) throws IOException {
    Path abs = dest.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = createTemp(dir, abs.getFileName().toString());
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        content.writeTo(out);
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A new empty file in {@code dir}; created without attributes, so the umask decides its mode. */
  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path tmp =
          dir.resolve(
              "." + name + "-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }
}
