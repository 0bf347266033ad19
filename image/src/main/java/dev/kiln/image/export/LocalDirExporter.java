package dev.kiln.image.export;

import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.ImageExporter;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * {@code type=local,dest=DIR}: copies the final root filesystem into {@code DIR} (created when
 * missing; existing files are overwritten, others kept, as buildx does). Symlinks are copied as
 * links, never followed; permissions and modification times are kept; ownership is not (the files
 * belong to the user running kiln). Special files (devices, fifos) are skipped.
 */
final class LocalDirExporter implements ImageExporter {

  private final Path dest;

  LocalDirExporter(Path dest) {
    this.dest = dest;
  }

  @Override
  public boolean needsLayers() {
    return false;
  }

  @Override
  public ExportResult export(ExportableImage image, ContentStore content) throws IOException {
    Path source = image.rootfs();
    if (source == null) {
      throw new IOException(
          "type=local needs the build's root filesystem, but the build result has none");
    }
    if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the build's root filesystem " + source + " is not a directory");
    }
    try {
      Files.createDirectories(dest);
      Files.walkFileTree(source, new Copier(source, dest));
    } catch (IOException e) {
      throw new IOException(
          "exporting the file system to " + dest + ": " + IoMessages.describe(e), e);
    }
    return new ExportResult("local", null, null, List.of(), dest.toString());
  }

  private static final class Copier extends SimpleFileVisitor<Path> {
    private final Path from;
    private final Path to;

    Copier(Path from, Path to) {
      this.from = from;
      this.to = to;
    }

    private Path target(Path p) {
      return to.resolve(from.relativize(p).toString());
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
        throws IOException {
      Path t = target(dir);
      if (Files.isSymbolicLink(t) || (Files.exists(t) && !Files.isDirectory(t))) {
        Files.delete(t);
      }
      Files.createDirectories(t);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      Path t = target(file);
      if (attrs.isSymbolicLink()) {
        Files.deleteIfExists(t);
        Files.createSymbolicLink(t, Files.readSymbolicLink(file));
      } else if (attrs.isRegularFile()) {
        Files.copy(
            file,
            t,
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
      if (e != null) {
        throw e;
      }
      Path t = target(dir);
      // Set after the children were written, which changed the directory's times.
      Files.setPosixFilePermissions(t, Files.getPosixFilePermissions(dir));
      Files.setLastModifiedTime(t, Files.getLastModifiedTime(dir));
      return FileVisitResult.CONTINUE;
    }
  }
}
