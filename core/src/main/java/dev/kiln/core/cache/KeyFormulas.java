package dev.kiln.core.cache;

import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Digest;
import java.time.Instant;
import java.util.List;

/**
 * One set of cache-key formulas: derives the {@link CacheMap}s of vertices. A build (and a cache
 * exported from it) uses one key function throughout, identified by its {@link #version()}, so
 * formulas of later BuildKit releases can be added beside earlier ones and chosen per cache.
 * Implementations are stateless and thread-safe.
 *
 * <p>kiln's own formulas are {@link CacheMaps#KEYS}; BuildKit-compatible ones are in {@code
 * dev.kiln.core.cache.buildkit}.
 */
public interface KeyFormulas {

  /**
   * The version tag of these formulas, e.g. {@code kiln.cachekey.v1} or {@code buildkit-v0.11}:
   * keys of two different versions never meet.
   */
  String version();

  /**
   * The alternative cache maps of an exec, file, merge or scratch vertex (one for these ops). Each
   * map input names the vertex input it reads ({@link CacheMap.Input#edge()}).
   *
   * @throws IllegalArgumentException for image and local sources, whose keys need information from
   *     outside the graph
   */
  List<CacheMap> cacheMaps(Vertex vertex);

  /** The alternative root cache maps of an image source resolved as {@code image}. */
  List<CacheMap> forImage(ImageOp op, ResolvedImage image);

  /** The session-bound cache map of a local source (never exported). */
  CacheMap forLocal(LocalOp op, String sessionId);

  /**
   * The cache map of an http source whose content is {@code content} (the downloaded body's sha256,
   * or the op's checksum).
   *
   * @param lastModified the response's {@code Last-Modified} as parsed, or null (none, not a valid
   *     HTTP date, or the op pins a checksum)
   * @param lastModifiedHeader the same header as the server wrote it, or null
   */
  default CacheMap forHttp(
      HttpOp op, Digest content, Instant lastModified, String lastModifiedHeader) {
    return CacheMaps.forHttp(op, content, lastModified);
  }
}
