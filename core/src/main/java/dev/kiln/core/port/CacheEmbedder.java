package dev.kiln.core.port;

import dev.kiln.core.cache.remote.CacheChains;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Puts a build cache into the config of the image the build exports, instead of writing it on its
 * own (BuildKit's inline cache exporter, cache-format.md §4): one instance per {@code --cache-to
 * type=inline}, created by a {@link CacheEmbedderFactory} from the user's attributes.
 *
 * <p>Contract: the solver fills {@link CacheChains} according to {@link #options()} (always {@code
 * min}: only results whose layers are a prefix of the image's are worth carrying, and the image's
 * layers are the cache's layers, so the embedder never adds a blob). {@link #embed} returns the
 * image config fields to add; every image output of the build writes them, so whatever compression
 * an output writes its layers in, the cache points at them (results are matched to image layers by
 * diffID). The same chains, layers and time give the same fields. Thread-safe.
 */
public interface CacheEmbedder {

  /** The cache for messages and progress, e.g. {@code inline}. */
  String name();

  /** How the solver must build the chains, and how a failure is treated. */
  CacheExportOptions options();

  /** One line per attribute the embedder accepted but ignores (e.g. {@code mode=max}). */
  List<String> warnings();

  /**
   * The config fields that carry the cache of {@code chains} for an image with {@code layers}.
   *
   * @param chains the cache graph of the solve, built with {@link #options()}
   * @param layers the exported image's layers, bottom first (their diffIDs place each result)
   * @param createdAt the creation time every result is written with (the build's {@code
   *     SOURCE_DATE_EPOCH}, so that the config is reproducible), or null to keep the times the
   *     cache holds
   * @param progress receives the step {@code preparing layers for inline cache}
   * @return field name → JSON string value; empty when no result's layers are in the image
   * @throws IOException when the cache cannot be embedded (e.g. it would make the config too large
   *     for readers); the message names the cache and the reason
   */
  Map<String, String> embed(
      CacheChains chains, List<ExportLayer> layers, Instant createdAt, ProgressListener progress)
      throws IOException;
}
