package dev.kiln.core.cache;

import dev.kiln.core.port.ContentSelection;
import dev.kiln.oci.Digest;
import java.util.List;
import java.util.Objects;

/**
 * What an op contributes to the cache keys of its outputs (BuildKit's {@code CacheMap}).
 *
 * @param digest the op digest D: sha256 over the versioned, cache-relevant fields of the op (see
 *     {@link CacheMaps}); never includes metadata or input digests
 * @param sessionBound true when D is only meaningful within one client session (local sources):
 *     such keys are never exported nor matched against imported caches (BuildKit's {@code random:}
 *     digests)
 * @param inputs one entry per vertex input, in order
 */
public record CacheMap(Digest digest, boolean sessionBound, List<Input> inputs) {

  /** Requires a digest; copies the inputs. */
  public CacheMap {
    Objects.requireNonNull(digest, "cache map digest");
    inputs = List.copyOf(inputs);
  }

  /**
   * How one input takes part in the key.
   *
   * @param selector digest of the part of the input that matters, or null for "all of it"
   * @param content when non-null, the solver may compute a content-based ("slow") key for this
   *     input: the checksum of these paths of the input's result
   */
  public record Input(Digest selector, ContentSelection content) {

    /** An input with neither selector nor content key. */
    public static final Input PLAIN = new Input(null, null);
  }
}
