package dev.kiln.solver.cache;

import dev.kiln.oci.Digest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cache knows about one key: its best result, if any, whether the key itself is known (a
 * record may exist without a result, e.g. a step of another stage in a {@code mode=min} cache), and
 * the exportable root links of the matched records that the query did not necessarily use —
 * typically the content ("slow") keys a step was once matched through. An exporter needs those:
 * without them a step found through its definition key would lose the only link a fresh machine can
 * match (the build context's own key is never exported).
 *
 * @param best the newest result among the matched records (local ones win, see {@link
 *     CombinedCacheManager}), or null
 * @param keyFound whether any record matched the key
 * @param rootLinks exportable root parents linked to the matched records
 */
public record CacheMatch(CacheRecord best, boolean keyFound, List<RootLink> rootLinks) {

  /** Nothing known. */
  public static final CacheMatch NONE = new CacheMatch(null, false, List.of());

  /** Copies the links; a result implies a known key. */
  public CacheMatch {
    rootLinks = List.copyOf(rootLinks);
    keyFound |= best != null;
  }

  /** The best result, if any. */
  public Optional<CacheRecord> record() {
    return Optional.ofNullable(best);
  }

  /**
   * A link from a root record (by its record digest) into input {@code input} of a matched record.
   *
   * @param input the input index of the child
   * @param parent the root record's digest ({@code rootKey(C, -1)} for a content key)
   * @param selector the link's selector, or null
   */
  public record RootLink(int input, Digest parent, Digest selector) {

    /** Requires a parent. */
    public RootLink {
      Objects.requireNonNull(parent, "parent");
    }
  }
}
