package dev.kiln.benchmarks;

import dev.kiln.oci.Digest;
import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.LayerWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing the tar of a realistic tree (~2,100 files and symlinks, ~70 MiB, in the page cache):
 * walk, lstat, read every file, PAX tar, sha256 of the tar (the diffID), output discarded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class TarBenchmark {

  /** Tree → tar → diffID. */
  @Benchmark
  public Digest writeTar(LayerInputState in) throws IOException {
    return new LayerWriter(LayerWriter.Options.defaults())
        .writeTar(DirectoryWalker.of(in.tree), OutputStream.nullOutputStream());
  }
}
