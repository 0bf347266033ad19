package dev.kiln.solver.scheduler;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.cache.KeyFormulas;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one seam through which the scheduler derives cache keys: a vertex's cache maps (op digests,
 * selectors, content selections), the key of each output from its map and its inputs' keys, and
 * content ("slow") keys from content checksums. The formulas come from core's {@link KeyFormulas},
 * versioned: {@link #KILN} is kiln's own ({@code kiln.cachekey.v1}); {@link #of of}{@code
 * (BuildkitKeys.V0_32)} (the CLI's default) or {@code V0_11} gives BuildKit-compatible keys (issue
 * 12). One key function is passed to the {@link Scheduler} of a build. Keys never carry {@code
 * SOURCE_DATE_EPOCH}: it changes how layers are written, not what a step computes.
 *
 * <p>Implementations must be thread-safe and deterministic: the same vertex and inputs give the
 * same keys on every machine, or caches do not meet.
 */
public interface KeyFunction {

  /**
   * kiln's key function: kiln's formulas ({@link CacheMaps#KEYS}) through the runner, {@link
   * CacheKey#of}, {@link CacheKey#content}.
   */
  KeyFunction KILN = of(CacheMaps.KEYS);

  /** A key function computing {@code formulas} (e.g. {@code BuildkitKeys.V0_11}). */
  static KeyFunction of(KeyFormulas formulas) {
    Objects.requireNonNull(formulas, "formulas");
    return () -> formulas;
  }

  /** The formulas of this key function; their {@link KeyFormulas#version()} tags its keys. */
  KeyFormulas formulas();

  /**
   * The alternative cache maps of {@code vertex}; the default asks the runner (which resolves
   * images and checksums build contexts) to apply {@link #formulas()}.
   */
  default List<CacheMap> cacheMaps(Vertex vertex, OpRunner runner, CancellationToken cancel)
      throws IOException, InterruptedException {
    return runner.cacheMaps(vertex, formulas(), cancel);
  }

  /**
   * The key of output {@code output} of an op with {@code map}, given per vertex input the keys of
   * the output it reads (each map input picks its own, {@link CacheMap.Input#edge()}).
   */
  default CacheKey key(CacheMap map, int output, List<List<CacheKey>> inputKeys) {
    return CacheKey.of(map, output, inputKeys);
  }

  /**
   * The content checksum of {@code selection} in input {@code input}'s result; the default asks the
   * runner. Empty when none can be computed.
   */
  default Optional<Digest> contentChecksum(
      Vertex vertex,
      int input,
      CacheResult inputResult,
      ContentSelection selection,
      OpRunner runner,
      CancellationToken cancel)
      throws IOException, InterruptedException {
    return runner.contentChecksum(vertex, input, inputResult, selection, cancel);
  }

  /** The content key of a checksum, linked with an empty selector (cache-format.md §8.1). */
  default CacheKey contentKey(Digest checksum) {
    return CacheKey.content(checksum);
  }
}
