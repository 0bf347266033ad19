package dev.kiln.core.port;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The paths of an input whose content defines a content-based ("slow") cache key, as decided by the
 * op's cache map, and how to hash them. Empty paths mean the whole snapshot ({@code /}).
 *
 * @param paths de-duplicated and sorted by path (then by flags)
 * @param algorithm the content-hash algorithm the key function expects: {@link #KILN_V1} or a
 *     BuildKit one ({@code buildkit.contenthash.v0.11}, …); the worker picks the checksummer by it
 * @param buildContext true when the input is the client's build context (BuildKit hashes its root
 *     header and its owners differently from a snapshot's); ignored by {@link #KILN_V1}
 */
public record ContentSelection(List<PathSelector> paths, String algorithm, boolean buildContext) {

  /** kiln's own content hash ({@code DirectoryChecksummer}). */
  public static final String KILN_V1 = "kiln.contenthash.v1";

  private static final Comparator<PathSelector> ORDER =
      Comparator.comparing(PathSelector::path)
          .thenComparing(PathSelector::followSymlinks)
          .thenComparing(PathSelector::wildcard);

  /** Sorts and de-duplicates; requires an algorithm. */
  public ContentSelection {
    TreeSet<PathSelector> set = new TreeSet<>(ORDER);
    set.addAll(paths);
    paths = List.copyOf(set);
    Objects.requireNonNull(algorithm, "content hash algorithm");
  }

  /** A selection hashed with {@link #KILN_V1}. */
  public ContentSelection(List<PathSelector> paths) {
    this(paths, KILN_V1, false);
  }

  /** The whole snapshot, hashed with {@link #KILN_V1}. */
  public static ContentSelection all() {
    return new ContentSelection(List.of(new PathSelector("/", true, false)));
  }
}
