package dev.kiln.benchmarks;

import dev.kiln.oci.Digests;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SHA-256 streaming over the layer tar (~70 MiB) in 256 KiB updates: the JDK's SUN provider as kiln
 * uses it ({@link Digests}), the same with its SHA-NI/AVX2 intrinsic switched off (what the C1-only
 * launcher gets), and bouncycastle's pure-Java digest. Throughput = tar size / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class HashBenchmark {
  private static final int CHUNK = 256 * 1024;

  /** kiln's digest (SUN provider, intrinsic when the CPU has SHA-NI or AVX2). */
  @Benchmark
  public byte[] sha256Jdk(LayerInputState in) {
    MessageDigest md = Digests.newSha256();
    byte[] tar = in.tar;
    for (int off = 0; off < tar.length; off += CHUNK) {
      md.update(tar, off, Math.min(CHUNK, tar.length - off));
    }
    return md.digest();
  }

  /** The same without the intrinsic. */
  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xmx1g", "-XX:+UnlockDiagnosticVMOptions", "-XX:-UseSHA256Intrinsics"})
  public byte[] sha256JdkNoIntrinsic(LayerInputState in) {
    return sha256Jdk(in);
  }

  /** The same under C1 only, as the launcher ran before it chose C2 (intrinsics are C2's). */
  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xmx1g", "-XX:TieredStopAtLevel=1"})
  public byte[] sha256JdkC1Only(LayerInputState in) {
    return sha256Jdk(in);
  }

  /** bouncycastle's SHA256Digest (pure Java). */
  @Benchmark
  public byte[] sha256BouncyCastle(LayerInputState in) {
    SHA256Digest d = new SHA256Digest();
    byte[] tar = in.tar;
    for (int off = 0; off < tar.length; off += CHUNK) {
      d.update(tar, off, Math.min(CHUNK, tar.length - off));
    }
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }
}
