package dev.kiln.benchmarks;

import dev.kiln.oci.MediaTypes.Compression;
import dev.kiln.solver.layer.CompressionPool;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * gzip of the layer tar (~70 MiB, in memory, output discarded): the JDK's Deflater on one thread
 * (zlib, what kiln used before) and kiln's parallel gzip on {@link CompressionPool#shared()} (one
 * thread per processor), at levels 1, 6 and 9.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Benchmark)
public class GzipBenchmark {
  private static final int CHUNK = 256 * 1024;

  @Param({"1", "6", "9"})
  public int level;

  private final byte[] out = new byte[CHUNK];

  /** One thread: raw deflate of the whole tar. */
  @Benchmark
  public long jdkDeflater(LayerInputState in) {
    Deflater d = new Deflater(level, true);
    try {
      d.setInput(in.tar);
      d.finish();
      long total = 0;
      while (!d.finished()) {
        total += d.deflate(out);
      }
      return total;
    } finally {
      d.end();
    }
  }

  /** kiln's parallel gzip (one gzip member, same bytes for any thread count). */
  @Benchmark
  public void parallelGzip(LayerInputState in) throws IOException {
    try (OutputStream gz =
        CompressionPool.shared().open(OutputStream.nullOutputStream(), Compression.GZIP, level)) {
      in.writeTar(gz);
    }
  }
}
