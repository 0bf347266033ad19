package dev.kiln.solver.scheduler;

import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runner of toy ops with call counters (BuildKit scheduler_test.go style). The result of a vertex
 * is a snapshot id naming its "content": the text set with {@link #content}, else its digest. The
 * content checksum of a result is the sha256 of that id. Hooks let a test block or fail a vertex.
 */
final class ToyRunner implements OpRunner {

  /** What a test wants to happen when a vertex runs. */
  interface Hook {
    void run(Vertex v, CancellationToken cancel) throws IOException, InterruptedException;
  }

  final Map<Digest, AtomicInteger> runs = new ConcurrentHashMap<>();
  final Map<Digest, String> contents = new ConcurrentHashMap<>();
  final Map<Digest, Hook> hooks = new ConcurrentHashMap<>();
  final AtomicInteger checksums = new AtomicInteger();

  ToyRunner content(Vertex v, String text) {
    contents.put(v.digest(), text);
    return this;
  }

  ToyRunner hook(Vertex v, Hook hook) {
    hooks.put(v.digest(), hook);
    return this;
  }

  int runs(Vertex v) {
    AtomicInteger n = runs.get(v.digest());
    return n == null ? 0 : n.get();
  }

  int totalRuns() {
    return runs.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  @Override
  public List<CacheResult> run(Vertex v, List<CacheResult> inputs, CancellationToken cancel)
      throws IOException, InterruptedException {
    runs.computeIfAbsent(v.digest(), d -> new AtomicInteger()).incrementAndGet();
    Hook h = hooks.get(v.digest());
    if (h != null) {
      h.run(v, cancel);
    }
    List<CacheResult> out = new ArrayList<>();
    for (int o = 0; o < v.op().outputCount(); o++) {
      out.add(CacheResult.ofSnapshot(contents.getOrDefault(v.digest(), v.digest().toString())));
    }
    return out;
  }

  @Override
  public Optional<Digest> contentChecksum(
      Vertex vertex,
      int input,
      CacheResult inputResult,
      ContentSelection selection,
      CancellationToken cancel) {
    checksums.incrementAndGet();
    return Optional.of(Digests.sha256(inputResult.snapshotId()));
  }
}
