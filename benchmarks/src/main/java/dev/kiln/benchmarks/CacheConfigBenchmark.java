package dev.kiln.benchmarks;

import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.CacheConfigCodec;
import dev.kiln.core.cache.remote.CacheFormatException;
import dev.kiln.core.cache.remote.MarshalledCache;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 9's limit: a cache config of 5,000 records marshals in under 200 ms. The graph is a {@code
 * mode=max} export of {@code stages} stages of equal length over one base image, each step linked
 * from its predecessor (plain {@code RUN} selector) and every fourth step also from a content key
 * (a {@code COPY} from the context), every non-root step with a result whose chain is the base
 * layer plus the stage's layers so far; the last stage copies from every other one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CacheConfigBenchmark {

  @Param({"5000"})
  public int records;

  @Param({"50"})
  public int stages;

  private CacheChains chains;
  private CacheConfig config;
  private byte[] encoded;

  @Setup
  public void build() throws CacheFormatException {
    chains = graph(records, stages);
    MarshalledCache m = chains.marshal();
    config = m.config();
    encoded = CacheConfigCodec.encode(config);
    if (m.config().records().size() < records) {
      throw new IllegalStateException("graph has " + m.config().records().size() + " records");
    }
    CacheConfigCodec.decode(encoded).validate();
  }

  /** Normalise, order and encode: what an export does before its first upload. */
  @Benchmark
  public byte[] marshalAndEncode() {
    return CacheConfigCodec.encode(chains.marshal().config());
  }

  /** Encoding an already normalised config. */
  @Benchmark
  public byte[] encodeOnly() {
    return CacheConfigCodec.encode(config);
  }

  /** Decode and validate, as an import does. */
  @Benchmark
  public CacheConfig decodeAndValidate() throws CacheFormatException {
    return CacheConfigCodec.decode(encoded).validate();
  }

  static CacheChains graph(int records, int stages) {
    CacheChains c = new CacheChains();
    Digest sel = Digests.sha256("/");
    ExportLayer base = layer("base");
    CacheChains.Item image = c.add(Digests.sha256("image"));
    // a stage of n steps has n + ceil(n / 4) records (steps and content keys)
    int perStage = (int) Math.ceil((records - stages) / (double) stages / 1.25);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<CacheChains.Item> stageEnds = new ArrayList<>();
    for (int s = 0; s < stages; s++) {
      CacheChains.Item prev = image;
      List<ExportLayer> chain = new ArrayList<>(List.of(base));
      for (int i = 0; i < perStage; i++) {
        String name = s + "/" + i;
        boolean copy = i % 4 == 0;
        CacheChains.Item step = c.add(Digests.sha256("step " + name), copy ? 2 : 1);
        step.linkFrom(prev, 0, copy ? null : sel);
        if (copy) {
          step.linkFrom(c.add(Digests.sha256("content " + name)), 1, null);
        }
        chain.add(layer(name));
        step.addResult(List.copyOf(chain), t.plusMillis(s * 1000L + i));
        prev = step;
      }
      stageEnds.add(prev);
    }
    CacheChains.Item last = stageEnds.get(stageEnds.size() - 1);
    for (int s = 0; s < stageEnds.size() - 1; s++) {
      CacheChains.Item copy = c.add(Digests.sha256("copy-from " + s), 2);
      copy.linkFrom(last, 0, null).linkFrom(stageEnds.get(s), 1, Digests.sha256("/out/" + s));
      last = copy;
    }
    return c;
  }

  private static ExportLayer layer(String name) {
    return ExportLayer.of(
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256("blob " + name), 1000),
        Digests.sha256("diff " + name));
  }
}
