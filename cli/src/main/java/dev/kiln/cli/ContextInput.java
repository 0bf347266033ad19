package dev.kiln.cli;

import dev.kiln.solver.layer.ArchiveUnpacker;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.snapshot.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Where the build context comes from, as {@code docker build} takes it: a directory, a tar archive
 * file (plain, gzip, bzip2, xz or zstd, recognised by content), or {@code -}: standard input
 * holding such an archive, or else a Dockerfile (then the context is empty). An archive is
 * extracted under {@code <root>/inputs/} for the build and removed by {@link #close}. Not
 * thread-safe.
 */
final class ContextInput implements AutoCloseable {

  private final Path dir;
  private final String dockerfileText;
  private final Path temp;

  private ContextInput(Path dir, String dockerfileText, Path temp) {
    this.dir = dir;
    this.dockerfileText = dockerfileText;
    this.temp = temp;
  }

  /** The context directory. */
  Path dir() {
    return dir;
  }

  /** The Dockerfile read from standard input ({@code kiln build - < Dockerfile}), or null. */
  String dockerfileText() {
    return dockerfileText;
  }

  /** True when the context was extracted from an archive or is the empty stdin context. */
  boolean extracted() {
    return temp != null;
  }

  static ContextInput open(String path, Invocation invocation, Path root, boolean stdinTaken)
      throws CliException {
    if ("-".equals(path)) {
      if (stdinTaken) {
        throw new CliException(
            "-f - and the build context - cannot both read standard input; pass the Dockerfile"
                + " inside the context archive or as a file");
      }
      Path temp = newTemp(root);
      try {
        Path raw = temp.resolve("stdin");
        try (InputStream in = invocation.in()) {
          Files.copy(in, raw, StandardCopyOption.REPLACE_EXISTING);
        }
        Path context = Files.createDirectory(temp.resolve("context"));
        if (ArchiveUnpacker.isArchive(raw)) {
          extract(raw, "the build context on standard input", context);
          Files.delete(raw);
          return new ContextInput(context, null, temp);
        }
        String text = dockerfile(raw);
        Files.delete(raw);
        return new ContextInput(context, text, temp);
      } catch (IOException | CliException | RuntimeException e) {
        delete(temp);
        if (e instanceof CliException c) {
          throw c;
        }
        throw new CliException(
            "reading the build context from standard input: " + e.getMessage(), e);
      }
    }
    Path p = invocation.resolve(path);
    if (Files.isDirectory(p)) {
      return new ContextInput(p, null, null);
    }
    if (!Files.isRegularFile(p)) {
      throw new CliException(
          "build context " + p + " does not exist; pass a directory, a tar archive or - ");
    }
    if (!ArchiveUnpacker.isArchive(p)) {
      throw new CliException(
          "build context "
              + p
              + " is neither a directory nor a tar archive (plain, gzip, bzip2, xz or zstd)");
    }
    Path temp = newTemp(root);
    try {
      Path context = Files.createDirectory(temp.resolve("context"));
      extract(p, "build context archive " + p, context);
      return new ContextInput(context, null, temp);
    } catch (IOException | CliException | RuntimeException e) {
      delete(temp);
      if (e instanceof CliException c) {
        throw c;
      }
      throw new CliException("extracting build context " + p + ": " + e.getMessage(), e);
    }
  }

  private static Path newTemp(Path root) throws CliException {
    try {
      return Files.createDirectories(root.resolve("inputs").resolve(UUID.randomUUID().toString()));
    } catch (IOException e) {
      throw new CliException("cannot create a directory in " + root + ": " + e.getMessage(), e);
    }
  }

  private static void extract(Path archive, String name, Path dest) throws CliException {
    try {
      new ArchiveUnpacker(LayerApplier.Options.detect()).unpack(archive, name, dest, -1, -1);
    } catch (LayerException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  private static String dockerfile(Path file) throws IOException, CliException {
    if (Files.size(file) > 16L << 20) {
      throw new CliException(
          "standard input is neither a tar archive nor a Dockerfile (more than 16 MiB)");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CliException(
          "standard input is neither a tar archive nor a Dockerfile (not UTF-8 text)", e);
    }
  }

  @Override
  public void close() {
    delete(temp);
  }

  private static void delete(Path p) {
    if (p == null) {
      return;
    }
    try {
      Trees.deleteTree(p);
    } catch (IOException e) {
      // Best effort: a leftover under <root>/inputs is harmless and named by its UUID.
    }
  }
}
