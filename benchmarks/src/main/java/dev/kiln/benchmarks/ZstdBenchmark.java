package dev.kiln.benchmarks;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.kiln.oci.MediaTypes.Compression;
import dev.kiln.solver.layer.CompressionPool;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
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
 * zstd of the layer tar (~70 MiB, in memory, output discarded) with zstd-jni at levels 1, 3 and 9:
 * single-threaded mode (no workers, what kiln used before) and kiln's stream with one libzstd
 * worker per processor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Benchmark)
public class ZstdBenchmark {
  @Param({"1", "3", "9"})
  public int level;

  /** No workers: compression on the writing thread. */
  @Benchmark
  public void noWorkers(LayerInputState in) throws IOException {
    try (OutputStream z = new ZstdOutputStreamNoFinalizer(OutputStream.nullOutputStream(), level)) {
      in.writeTar(z);
    }
  }

  /** kiln's stream: libzstd workers, one per processor. */
  @Benchmark
  public void workers(LayerInputState in) throws IOException {
    try (OutputStream z =
        CompressionPool.shared().open(OutputStream.nullOutputStream(), Compression.ZSTD, level)) {
      in.writeTar(z);
    }
  }
}
