package dev.kiln.benchmarks;

import dev.kiln.oci.MediaTypes.Compression;
import dev.kiln.solver.layer.CompressionPool;
import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.LayerBlob;
import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.layer.LayerWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole layer path against its compression step alone. {@code pipeline}: the tree → walk → tar
 * → sha256 (diffID) → compression → sha256 of the blob → temp file → rename into a store directory,
 * as {@link LayerWriter#write} does for every layer. {@code compressOnly}: the same tar, already in
 * memory, through the same compressor into nothing. Issue 8's target: pipeline ≤ 1.15 ×
 * compressOnly.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Benchmark)
public class LayerPipelineBenchmark {
  @Param({"GZIP", "ZSTD"})
  public Compression compression;

  private LayerWriter writer;
  private Path blobs;

  /** A writer at the default level and a store directory next to the tree. */
  @Setup(Level.Trial)
  public void writer(LayerInputState in) throws IOException {
    writer = new LayerWriter(LayerWriter.Options.defaults().withCompression(compression));
    blobs = Files.createDirectories(in.tree.resolveSibling("blobs"));
  }

  /** Deletes the blob each iteration wrote, so the next one writes it again. */
  @TearDown(Level.Iteration)
  public void clean() {
    LayerInput.delete(blobs);
  }

  /**
   * Tree to stored blob, on a fresh pool each time: the shared one would keep the large files'
   * deflated segments and replay them in the next invocation, measuring reuse, not compression.
   */
  @Benchmark
  public LayerBlob pipeline(LayerInputState in) throws LayerException {
    try (CompressionPool pool = new CompressionPool(Runtime.getRuntime().availableProcessors())) {
      return new LayerWriter(writer.options(), pool).write(DirectoryWalker.of(in.tree), blobs);
    }
  }

  /** The compression of the same tar alone. */
  @Benchmark
  public void compressOnly(LayerInputState in) throws IOException {
    int level = writer.options().level();
    try (OutputStream z =
        CompressionPool.shared().open(OutputStream.nullOutputStream(), compression, level)) {
      in.writeTar(z);
    }
  }
}
