package dev.kiln.image.export;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Readable text for file-system errors, whose own messages are often just a path ({@code
 * NoSuchFileException: /out/dir}).
 */
final class IoMessages {

  private IoMessages() {}

  /** What went wrong, naming the file: {@code no such file or directory: /out/dir}. */
  static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String reason =
          f instanceof NoSuchFileException
              ? "no such file or directory"
              : f instanceof AccessDeniedException
                  ? "permission denied"
                  : f instanceof FileAlreadyExistsException
                      ? "already exists"
                      : f instanceof NotDirectoryException
                          ? "not a directory"
                          : f.getReason() == null ? "cannot be written" : f.getReason();
      return reason + ": " + f.getFile();
    }
    return String.valueOf(e.getMessage());
  }
}
