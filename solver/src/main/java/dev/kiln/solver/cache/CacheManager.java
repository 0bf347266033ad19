package dev.kiln.solver.cache;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.oci.Descriptor;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Looks up and records op results by cache key (BuildKit's {@code CacheManager}).
 *
 * <p>Keys follow core's model: a key is found when its digest is reachable from matching dependency
 * keys through links labelled (input index, selector), for every input, through any of the input's
 * alternative dependency keys (definition-based or content-based). Root keys are found by digest.
 * Saving a key records its result and the links from all of its alternative dependency keys, so a
 * key saved with a content-key alternative is later found through either.
 *
 * <p>Implementations are thread-safe. Key graphs may be deep (long chains); implementations must
 * not recurse over them.
 */
public interface CacheManager {

  /**
   * The newest result recorded for {@code key}, if any.
   *
   * @throws IOException if the backing store cannot be read
   */
  Optional<CacheResult> query(CacheKey key) throws IOException;

  /**
   * Records {@code result} for {@code key} (replacing an older result of the same key) and links
   * the key from every alternative dependency key.
   *
   * @throws IOException if the record cannot be persisted; then nothing may be assumed saved
   */
  void save(CacheKey key, CacheResult result) throws IOException;

  /**
   * Records that the layers of snapshot {@code snapshotId} are now known as {@code layers} (blobs a
   * worker made for an export, each with its diffID annotation, bottom first), so that a result of
   * that snapshot found later carries them and can be rebuilt from them if the snapshot is gone.
   * The default records nothing.
   *
   * @throws IOException if the record cannot be persisted
   */
  default void recordLayers(String snapshotId, List<Descriptor> layers) throws IOException {}

  /**
   * A view for one solve that may memoize the resolution of key objects it has seen (by identity),
   * so that querying a key whose dependencies were queried or saved before costs O(inputs), not
   * O(key graph). Results saved through the view are visible to everyone immediately. The default
   * returns this manager.
   */
  default CacheManager session() {
    return this;
  }
}
