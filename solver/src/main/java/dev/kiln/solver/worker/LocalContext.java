package dev.kiln.solver.worker;

import dev.kiln.core.cache.DirectoryChecksummer;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.pattern.ContextFilter;
import dev.kiln.core.pattern.PatternException;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathFilter;
import dev.kiln.oci.Digest;
import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.EntrySource;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.layer.LayerEntry;
import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.layer.LayerWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The build context side of the worker: selecting, checksumming and copying a client directory
 * according to a {@link LocalOp}'s include/exclude patterns. Stateless; thread-safe.
 */
final class LocalContext {

  private static final DirectoryChecksummer CHECKSUMMER = new DirectoryChecksummer();

  private LocalContext() {}

  /**
   * The filter of {@code op}'s patterns (BuildKit's context transfer semantics); {@link
   * PathFilter#ALL} when it has none.
   *
   * @throws IOException if a pattern is malformed (a graph not built from a checked ignore file)
   */
  static PathFilter filter(LocalOp op) throws IOException {
    try {
      return ContextFilter.of(op.includePatterns(), op.excludePatterns());
    } catch (PatternException e) {
      throw new IOException("local source '" + op.name() + "': " + e.getMessage(), e);
    }
  }

  /** The content checksum of what {@code op} selects in {@code dir} (the whole selection). */
  static Digest checksum(LocalOp op, Path dir) throws IOException {
    return CHECKSUMMER.checksum(dir, ContentSelection.all(), filter(op));
  }

  /** The content checksum of a whole snapshot tree. */
  static Digest checksum(Path rootfs) throws IOException {
    return checksum(rootfs, ContentSelection.all());
  }

  /** The content checksum of {@code selection} in a snapshot tree. */
  static Digest checksum(Path rootfs, ContentSelection selection) throws IOException {
    return CHECKSUMMER.checksum(rootfs, selection, PathFilter.ALL);
  }

  /**
   * Copies what {@code op} selects in {@code dir} into the empty directory {@code dest}. The copy
   * goes through an uncompressed tar in {@code tmpDir} so that every file type, mode, mtime and
   * hard link is handled by the layer code. Owners become 0:0, as BuildKit's local source does; a
   * socket arrives as an empty regular file with its permissions, as the docker CLI sends it.
   */
  static void copy(LocalOp op, Path dir, Path dest, LayerApplier applier, Path tmpDir)
      throws IOException {
    EntrySource selected = DirectoryWalker.of(dir).socketsAsEmptyFiles().filter(filter(op));
    EntrySource asRoot = sink -> selected.emit(e -> sink.accept(rootOwned(e)));
    Path tar = Files.createTempFile(tmpDir, "context-", ".tar");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 64 * 1024)) {
        new LayerWriter(LayerWriter.Options.defaults()).writeTar(asRoot, out);
      }
      try (InputStream in = Files.newInputStream(tar)) {
        applier.apply("build context '" + op.name() + "'", in, dest, null);
      } catch (LayerException e) {
        throw new IOException(e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  private static LayerEntry rootOwned(LayerEntry e) {
    return new LayerEntry(
        e.path(),
        e.type(),
        e.mode(),
        0,
        0,
        "",
        "",
        e.mtime(),
        e.size(),
        e.linkTarget(),
        e.devMajor(),
        e.devMinor(),
        e.xattrs(),
        e.fileId(),
        e.content());
  }
}
