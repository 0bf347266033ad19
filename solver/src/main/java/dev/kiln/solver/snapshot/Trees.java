package dev.kiln.solver.snapshot;

import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.layer.OpaqueProbe;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Directory-tree helpers for the snapshotters: key validation, recursive delete without following
 * symlinks, and merging a layer chain into one tree with whiteouts applied. Stateless.
 */
public final class Trees {

  static final String WHITEOUT_PREFIX = ".wh.";
  static final String OPAQUE_MARKER = ".wh..wh..opq";

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Trees() {}

  static void checkKey(String key) throws SnapshotException {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new SnapshotException(
          "invalid snapshot key " + key + ": use 1-128 of [A-Za-z0-9._-], not starting with . - _");
    }
  }

  /** Deletes a tree without following symlinks; a missing tree is fine. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Merges the chain into {@code target}, bottom first, with GNU {@code cp -a} (which keeps owners,
   * modes, xattrs, device nodes and hard links within a layer). Before each layer is copied its
   * whiteouts and opaque markers are applied to what is already there, and entries it replaces by a
   * different or non-directory entry are removed, so that cp never writes into an existing inode;
   * afterwards the markers themselves are deleted from {@code target}.
   *
   * @param hardlink {@code cp -l}: share regular files with the layers (read-only views only)
   */
  static void merge(List<Path> layers, Path target, boolean hardlink) throws IOException {
    boolean root = isRoot();
    boolean first = true;
    for (Path layer : layers) {
      List<Path> markers = new ArrayList<>();
      OpaqueProbe opaque;
      try {
        // trusted.overlay.opaque exists only where root wrote it (overlay uppers, unpacked layers),
        // and over nothing (the first layer) it hides nothing.
        opaque = root && !first ? OpaqueProbe.scan(layer) : dir -> false;
        first = false;
      } catch (LayerException e) {
        throw new IOException(e.getMessage(), e);
      }
      prepareFor(layer, layer, target, markers, opaque);
      List<String> cmd = new ArrayList<>(List.of("cp", "-a", "--no-target-directory"));
      cmd.add(hardlink ? "--link" : "--reflink=auto");
      cmd.add(layer.toString());
      cmd.add(target.toString());
      Commands.run(null, cmd);
      for (Path m : markers) {
        deleteTree(target.resolve(m));
      }
    }
  }

  private static void prepareFor(
      Path layer, Path dir, Path target, List<Path> markers, OpaqueProbe opaque)
      throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path e : entries) {
        Path rel = layer.relativize(e);
        String name = e.getFileName().toString();
        Path existing = target.resolve(rel);
        if (name.equals(OPAQUE_MARKER)) {
          markers.add(rel);
          clearDirectory(existing.getParent());
        } else if (name.startsWith(WHITEOUT_PREFIX)) {
          markers.add(rel);
          deleteTree(existing.resolveSibling(name.substring(WHITEOUT_PREFIX.length())));
        } else if (isOverlayWhiteout(e)) {
          markers.add(rel);
          deleteTree(existing);
        } else if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)
              && !Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(existing);
          } else if (opaque.isOpaque(e)) {
            clearDirectory(existing);
          }
          prepareFor(layer, e, target, markers, opaque);
        } else {
          deleteTree(existing);
        }
      }
    }
  }

  private static void clearDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path e : entries) {
        deleteTree(e);
      }
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** A 0/0 character device: overlayfs's deletion marker. */
  static boolean isOverlayWhiteout(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & 0170000) != 0020000) {
      return false;
    }
    return ((Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS)) == 0L;
  }
}
