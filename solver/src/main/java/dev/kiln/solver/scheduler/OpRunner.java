package dev.kiln.solver.scheduler;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.KeyFormulas;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Executes ops for the {@link Scheduler}: the seam between the scheduling/caching engine and the
 * workers (sources, exec, file, merge). One runner serves every vertex of a solve, typically by
 * dispatching on {@code vertex.op()}.
 *
 * <p>Implementations must be thread-safe: independent vertices are run concurrently. They must
 * react to cancellation: the running thread is interrupted and the token is cancelled; a runner
 * that notices it should stop and throw {@link InterruptedException} (or {@link
 * java.util.concurrent.CancellationException}), leaving no partial result behind.
 */
public interface OpRunner {

  /**
   * The alternative cache maps of {@code vertex} under the solve's key function {@code keys} (most
   * ops have one; an image source has two, see {@link KeyFormulas#forImage}). Called once per
   * vertex per solve, before any lookup, in topological order. The default handles exec, file,
   * merge and scratch ops; a runner with sources passes what it learns (the resolved image, the
   * session) to {@code keys}.
   *
   * @throws IOException if information needed for the key cannot be obtained (e.g. resolving an
   *     image)
   */
  default List<CacheMap> cacheMaps(Vertex vertex, KeyFormulas keys, CancellationToken cancel)
      throws IOException, InterruptedException {
    return keys.cacheMaps(vertex);
  }

  /**
   * Executes {@code vertex}.
   *
   * @param inputs the result of each input edge, in input order
   * @return one result per output of the op, in output order
   * @throws IOException (or any runtime exception) if the op fails; the message is shown to the
   *     user with the step name
   */
  List<CacheResult> run(Vertex vertex, List<CacheResult> inputs, CancellationToken cancel)
      throws IOException, InterruptedException;

  /**
   * The content checksum of {@code selection} inside {@code inputResult} (typically a {@link
   * dev.kiln.core.port.ContentChecksummer} over the materialised result, the one {@link
   * ContentSelection#algorithm()} names), for the content-based key of vertex input {@code input}
   * of {@code vertex}; empty when this runner does not compute content keys (then only
   * definition-based keys are used). Called only for inputs whose cache map entry has a content
   * selection, and only when the vertex is not found through its definition keys.
   */
  default Optional<Digest> contentChecksum(
      Vertex vertex,
      int input,
      CacheResult inputResult,
      ContentSelection selection,
      CancellationToken cancel)
      throws IOException, InterruptedException {
    return Optional.empty();
  }
}
