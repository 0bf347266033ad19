package dev.kiln.benchmarks;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.cache.KeyFormulas;
import dev.kiln.core.cache.KeyWalk;
import dev.kiln.core.cache.buildkit.BuildkitKeys;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 12's limit: computing BuildKit-compatible cache keys for a 10k-vertex graph in under 0.5 s.
 * The graph is Dockerfile-shaped (an image base, the build context, RUNs with an env, bind and
 * cache mounts, COPYs from the context, WORKDIR mkdirs, COPY --link merges); the benchmark computes
 * every vertex's cache maps, its definition keys and their record digests ({@code
 * KeyWalk.definitionKeys} + {@code CacheKey.digest}), with kiln's own keys for comparison.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BuildkitKeyBenchmark {

  @Param({"10000"})
  public int vertices;

  @Param({"buildkit-v0.11", "buildkit-v0.32", "kiln.cachekey.v1"})
  public String keys;

  private Definition definition;
  private KeyFormulas function;
  private ResolvedImage image;

  private static final Platform AMD64 = Platform.of("linux", "amd64");

  @Setup
  public void build() {
    definition = ToyGraphs.dockerfileShaped(vertices);
    function = keys.startsWith("buildkit") ? BuildkitKeys.version(keys) : CacheMaps.KEYS;
    Digest m = Digests.sha256("manifest");
    image =
        new ResolvedImage(
            "busybox",
            m,
            Descriptor.of("application/vnd.oci.image.manifest.v1+json", m, 1),
            Descriptor.of("application/vnd.oci.image.config.v1+json", Digests.sha256("config"), 1),
            AMD64,
            List.of(),
            List.of(Digests.sha256("layer")));
  }

  /** Definition keys and record digests of every vertex. */
  @Benchmark
  public void definitionKeys(Blackhole bh) {
    Map<Digest, List<List<CacheKey>>> all =
        KeyWalk.definitionKeys(definition, function, this::sourceMaps);
    for (List<List<CacheKey>> outputs : all.values()) {
      for (List<CacheKey> alternatives : outputs) {
        for (CacheKey k : alternatives) {
          bh.consume(k.digest());
        }
      }
    }
  }

  private List<CacheMap> sourceMaps(Vertex v) {
    if (v.op() instanceof ImageOp op) {
      return function.forImage(op, image);
    }
    return List.of(function.forLocal((LocalOp) v.op(), "bench-session"));
  }
}
