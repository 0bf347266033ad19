package dev.kiln.benchmarks;

import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.LayerWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The deterministic input of the hot-path benchmarks: a realistic tree of about 72 MiB (the same
 * bytes on every machine, from a fixed seed) and its tar as kiln writes it. The tree mixes what
 * image layers hold: 1,600 small source and config files of generated text in 80 directories, 240
 * medium files that alternate text and random runs, a 16 MiB random binary (incompressible) and a
 * 12 MiB log (very compressible), and some symlinks. Its tar is ~72 MiB, about 45 % random bytes.
 *
 * <p>{@code java -cp benchmarks.jar dev.kiln.benchmarks.LayerInput DIR} writes the tree to {@code
 * DIR/tree} and its tar to {@code DIR/layer.tar} (for the tool comparison script).
 */
public final class LayerInput {
  private static final long SEED = 0x6b696c6eL;
  private static final Instant MTIME = Instant.parse("2024-01-01T00:00:00Z");
  private static final String[] WORDS = {
    "import", "public", "final", "class", "return", "static", "void", "private", "String", "int",
    "config", "value", "key", "layer", "digest", "stream", "buffer", "false", "true", "null",
    "request", "response", "handler", "server", "client", "error", "warning", "info", "debug"
  };

  private LayerInput() {}

  /** Writes the tree under {@code root} (created; must not exist). */
  public static void writeTree(Path root) throws IOException {
    Random r = new Random(SEED);
    Files.createDirectories(root);
    for (int d = 0; d < 80; d++) {
      Path dir = Files.createDirectories(root.resolve("src/module" + d / 10 + "/pkg" + d));
      for (int f = 0; f < 20; f++) {
        write(dir.resolve("File" + f + ".java"), text(r, 1024 + r.nextInt(14 * 1024)));
      }
      Files.createSymbolicLink(dir.resolve("latest"), Path.of("File0.java"));
    }
    Path lib = Files.createDirectories(root.resolve("usr/lib/app"));
    for (int f = 0; f < 240; f++) {
      write(lib.resolve("part" + f + ".bin"), mixed(r, 64 * 1024 + r.nextInt(96 * 1024)));
    }
    byte[] binary = new byte[16 << 20];
    r.nextBytes(binary);
    write(root.resolve("usr/lib/app/blob.so"), binary);
    write(root.resolve("var/log/app.log"), text(r, 12 << 20));
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, FileTime.from(MTIME));
        }
      }
    }
  }

  /** The tar of {@code tree} as kiln's layer writer makes it (uncompressed). */
  public static byte[] tar(Path tree) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(80 << 20);
    new LayerWriter(LayerWriter.Options.defaults()).writeTar(DirectoryWalker.of(tree), out);
    return out.toByteArray();
  }

  /** A fresh temp directory holding the tree, under {@code $TMPDIR} or /var/tmp. */
  public static Path tempTree() throws IOException {
    Path base = Path.of(System.getProperty("java.io.tmpdir", "/var/tmp"));
    Path dir = Files.createTempDirectory(base, "kiln-bench-");
    writeTree(dir.resolve("tree"));
    return dir.resolve("tree");
  }

  /** Deletes a directory tree (benchmark teardown). */
  public static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private static byte[] text(Random r, int size) {
    StringBuilder sb = new StringBuilder(size + 100);
    int line = 0;
    while (sb.length() < size) {
      sb.append("    ");
      int n = 3 + r.nextInt(9);
      for (int i = 0; i < n; i++) {
        sb.append(WORDS[r.nextInt(WORDS.length)]).append(i + 1 < n ? ' ' : ';');
      }
      sb.append(" // ").append(line++).append('\n');
    }
    sb.setLength(size);
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] mixed(Random r, int size) {
    byte[] out = new byte[size];
    int at = 0;
    while (at < size) {
      int run = Math.min(size - at, 4096 + r.nextInt(16 * 1024));
      if (r.nextBoolean()) {
        byte[] chunk = new byte[run];
        r.nextBytes(chunk);
        System.arraycopy(chunk, 0, out, at, run);
      } else {
        System.arraycopy(text(r, run), 0, out, at, run);
      }
      at += run;
    }
    return out;
  }

  /** Writes the tree and its tar into the directory given as the only argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: LayerInput DIR  (writes DIR/tree and DIR/layer.tar)");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    writeTree(dir.resolve("tree"));
    try (OutputStream out = Files.newOutputStream(dir.resolve("layer.tar"))) {
      out.write(tar(dir.resolve("tree")));
    }
  }
}
