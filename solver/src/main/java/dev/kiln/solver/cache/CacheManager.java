package dev.kiln.solver.cache;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import java.io.IOException;
import java.time.Instant;
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
  default Optional<CacheResult> query(CacheKey key) throws IOException {
    return lookup(key).record().map(CacheRecord::result);
  }

  /**
   * Everything known about {@code key}: its best result with its time, whether the key is known at
   * all, and the exportable root links of the matched records.
   *
   * @throws IOException if the backing store cannot be read
   */
  CacheMatch lookup(CacheKey key) throws IOException;

  /**
   * Records {@code result} for {@code key} now; see {@link #save(CacheKey, CacheResult, Instant)}.
   */
  default CacheRecord save(CacheKey key, CacheResult result) throws IOException {
    return save(key, result, null);
  }

  /**
   * Records {@code result} for {@code key} (replacing an older, different result of the same key)
   * and links the key from every alternative dependency key. Saving a result equal to the one the
   * key has keeps the first time: a cache hit never re-stamps.
   *
   * @param createdAt the result's time (e.g. from the cache it was found in), or null for now
   * @return the record the key now has (with the first time when the result was already there)
   * @throws IOException if the record cannot be persisted; then nothing may be assumed saved
   */
  CacheRecord save(CacheKey key, CacheResult result, Instant createdAt) throws IOException;

  /**
   * Forgets every result whose layer chain contains {@code blob}: the blob cannot be fetched any
   * more (deleted, corrupt, unreachable), so the steps that produced those results must run again.
   * Keys and links stay.
   *
   * @return how many results were forgotten
   * @throws IOException if the change cannot be persisted
   */
  int drop(Digest blob) throws IOException;

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
