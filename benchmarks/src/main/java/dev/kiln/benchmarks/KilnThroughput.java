package dev.kiln.benchmarks;

import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes.Compression;
import dev.kiln.solver.layer.CompressionPool;
import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.LayerWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kiln's side of {@code scripts/compare-tools.sh}: times kiln's hot paths on the files {@link
 * LayerInput#main} wrote, as the command-line tools are timed on them (file in the page cache,
 * output discarded), and prints one line per path: {@code NAME WALL_SECONDS CPU_SECONDS}, the
 * medians of the wall time and of the process CPU time (all threads, user and system) per pass.
 *
 * <ul>
 *   <li>{@code sha256}: the tar file read in 256 KiB chunks into kiln's sha256 ({@link Digests})
 *   <li>{@code gzip6}, {@code zstd3}: the tar file through kiln's compressors at the default levels
 *   <li>{@code layer-gzip}, {@code layer-zstd}: the whole layer path from the tree — walk, tar,
 *       diffID, compression, blob digest, blob file written and renamed ({@link LayerWriter})
 * </ul>
 *
 * Usage: {@code KilnThroughput DIR ROUNDS [NAME,...]} (two warm-up rounds are run first and not
 * counted; the optional list picks paths).
 */
public final class KilnThroughput {
  private static final int CHUNK = 256 * 1024;

  private KilnThroughput() {}

  interface Step {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Path tar = dir.resolve("layer.tar");
    Path tree = dir.resolve("tree");
    Path blobs = dir.resolve("kiln-blobs");
    Map<String, Step> steps = new LinkedHashMap<>();
    steps.put("sha256", () -> sha256(tar));
    steps.put("gzip6", () -> compress(tar, Compression.GZIP, 6));
    steps.put("zstd3", () -> compress(tar, Compression.ZSTD, 3));
    steps.put("layer-gzip", () -> layer(tree, blobs, Compression.GZIP));
    steps.put("layer-zstd", () -> layer(tree, blobs, Compression.ZSTD));
    if (args.length > 2) {
      steps.keySet().retainAll(List.of(args[2].split(",")));
    }
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (Map.Entry<String, Step> s : steps.entrySet()) {
      List<Double> wall = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      for (int i = 0; i < rounds + 2; i++) {
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        s.getValue().run();
        if (i >= 2) {
          wall.add((System.nanoTime() - start) / 1e9);
          cpu.add((os.getProcessCpuTime() - cpu0) / 1e9);
        }
      }
      wall.sort(null);
      cpu.sort(null);
      System.out.printf(
          "%s %.4f %.4f%n", s.getKey(), wall.get(wall.size() / 2), cpu.get(cpu.size() / 2));
    }
    LayerInput.delete(blobs);
  }

  private static void sha256(Path file) throws IOException {
    MessageDigest md = Digests.newSha256();
    byte[] buf = new byte[CHUNK];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        md.update(buf, 0, n);
      }
    }
    md.digest();
  }

  private static void compress(Path file, Compression c, int level) throws IOException {
    byte[] buf = new byte[CHUNK];
    try (InputStream in = Files.newInputStream(file);
        OutputStream z = CompressionPool.shared().open(OutputStream.nullOutputStream(), c, level)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        z.write(buf, 0, n);
      }
    }
  }

  /**
   * On a fresh pool each round: the shared one would keep the large files' deflated segments from
   * the warm-up rounds and replay them, measuring reuse instead of compression.
   */
  private static void layer(Path tree, Path blobs, Compression c) throws Exception {
    try (CompressionPool pool = new CompressionPool(Runtime.getRuntime().availableProcessors())) {
      new LayerWriter(LayerWriter.Options.defaults().withCompression(c), pool)
          .write(DirectoryWalker.of(tree), blobs);
    }
    LayerInput.delete(blobs);
  }
}
