package dev.kiln.cache.inline;

import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.MarshalledCache;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Digest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A marshalled cache restricted to the layers of one image, as BuildKit's inline exporter writes it
 * (cache-format.md §4.2): every record is kept with its links (key-only records too, so the keys of
 * other stages still match); a result survives only if each of its layers is a layer of the image,
 * and its indexes become positions in the image's layer list. A result whose chain is the image's
 * first k layers is written as {@code {"layer": k-1}}; one whose layers are in the image in another
 * order (a {@code COPY --link}-style result) as a {@code chains} entry with Go's zero time, as
 * BuildKit does. Layers are compared by diffID, so the image may hold them in any compression.
 */
final class InlineRecords {

  private InlineRecords() {}

  /**
   * The records of {@code cache} for an image with {@code layers}, or an empty list when no result
   * is in the image (nothing worth embedding).
   *
   * @param createdAt the time every result gets, or null to keep each result's own
   */
  static List<CacheConfig.Record> forImage(
      MarshalledCache cache, List<ExportLayer> layers, OffsetDateTime createdAt) {
    List<Digest> image = new ArrayList<>(layers.size());
    for (ExportLayer l : layers) {
      image.add(l.diffId());
    }
    CacheConfig config = cache.config();
    List<CacheConfig.Record> out = new ArrayList<>(config.records().size());
    boolean any = false;
    for (CacheConfig.Record r : config.records()) {
      List<CacheConfig.Result> results = new ArrayList<>();
      List<CacheConfig.ChainedResult> chains = new ArrayList<>();
      for (CacheConfig.Result res : r.results()) {
        List<Digest> chain = diffIds(cache, chainOf(config, res.layer()));
        place(chain, image, createdAt == null ? res.createdAt() : createdAt, results, chains);
      }
      for (CacheConfig.ChainedResult c : r.chains()) {
        List<Digest> chain = new ArrayList<>();
        for (int i : c.layers()) {
          chain.add(config.layers().get(i).blob());
        }
        place(
            diffIds(cache, chain),
            image,
            createdAt == null ? c.createdAt() : createdAt,
            results,
            chains);
      }
      any |= !results.isEmpty() || !chains.isEmpty();
      out.add(new CacheConfig.Record(results, chains, r.digest(), r.inputs()));
    }
    return any ? out : List.of();
  }

  /** Adds the result of {@code chain} (diffIDs, bottom first) in the form its placement needs. */
  private static void place(
      List<Digest> chain,
      List<Digest> image,
      OffsetDateTime createdAt,
      List<CacheConfig.Result> results,
      List<CacheConfig.ChainedResult> chains) {
    if (chain.isEmpty() || chain.contains(null)) {
      return;
    }
    if (chain.size() <= image.size() && image.subList(0, chain.size()).equals(chain)) {
      results.add(new CacheConfig.Result(chain.size() - 1, createdAt));
      return;
    }
    List<Integer> positions = new ArrayList<>(chain.size());
    for (Digest d : chain) {
      int at = image.indexOf(d);
      if (at < 0) {
        return; // a layer the image does not have: BuildKit drops the result
      }
      positions.add(at);
    }
    chains.add(new CacheConfig.ChainedResult(positions, CacheConfig.GO_ZERO_TIME));
  }

  /** The blobs of layer node {@code top} and its parents, bottom first. */
  private static List<Digest> chainOf(CacheConfig config, int top) {
    List<Digest> chain = new ArrayList<>();
    for (int i = top; i >= 0; i = config.layers().get(i).parent()) {
      chain.add(config.layers().get(i).blob());
    }
    Collections.reverse(chain);
    return chain;
  }

  /** The diffIDs of blobs (null for a blob the marshalled cache does not describe). */
  private static List<Digest> diffIds(MarshalledCache cache, List<Digest> blobs) {
    List<Digest> out = new ArrayList<>(blobs.size());
    for (Digest b : blobs) {
      ExportLayer l = cache.blobs().get(b);
      out.add(l == null ? null : l.diffId());
    }
    return out;
  }
}
