package dev.kiln.core.cache;

import dev.kiln.core.port.ContentSelection;
import dev.kiln.oci.Digest;
import java.util.List;
import java.util.Objects;

/**
 * What an op contributes to the cache keys of its outputs (BuildKit's {@code CacheMap}).
 *
 * @param digest the cache-map digest D, as the text {@code rootKey} hashes: normally {@code
 *     "sha256:…"}; BuildKit v0.11's merge ops use their raw JSON here (see {@code
 *     dev.kiln.core.cache.buildkit}). Never includes metadata or input digests
 * @param sessionBound true when D is only meaningful within one client session (local sources):
 *     such keys are never exported nor matched against imported caches (BuildKit's {@code random:}
 *     digests)
 * @param inputs the key inputs, in the order the key formula numbers them; each names the vertex
 *     input (edge) it reads. Usually one per vertex input in vertex order; a key function may leave
 *     out inputs its formula does not see (BuildKit has no input for scratch) or order them
 *     differently
 */
public record CacheMap(String digest, boolean sessionBound, List<Input> inputs) {

  /** Requires a non-empty digest; copies the inputs. */
  public CacheMap {
    Objects.requireNonNull(digest, "cache map digest");
    if (digest.isEmpty()) {
      throw new IllegalArgumentException("cache map digest must not be empty");
    }
    inputs = List.copyOf(inputs);
  }

  /** A cache map whose D is {@code digest}'s {@code "sha256:…"} text. */
  public CacheMap(Digest digest, boolean sessionBound, List<Input> inputs) {
    this(Objects.requireNonNull(digest, "cache map digest").toString(), sessionBound, inputs);
  }

  /**
   * How one input takes part in the key.
   *
   * @param edge the index of the vertex input (in {@code vertex.inputs()}) this key input reads
   * @param selector digest of the part of the input that matters, or null for "all of it"
   * @param content when non-null, the solver may compute a content-based ("slow") key for this
   *     input: the checksum of these paths of the input's result
   */
  public record Input(int edge, Digest selector, ContentSelection content) {

    /** Requires a vertex input index. */
    public Input {
      if (edge < 0) {
        throw new IllegalArgumentException("cache map input edge must be >= 0, got " + edge);
      }
    }

    /** Vertex input {@code edge} with neither selector nor content key. */
    public static Input plain(int edge) {
      return new Input(edge, null, null);
    }
  }
}
