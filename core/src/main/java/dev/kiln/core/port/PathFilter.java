package dev.kiln.core.port;

/**
 * Decides which entries of a directory tree take part in a result (a build context's
 * include/exclude patterns), for a walker that goes depth first from the top.
 *
 * <p>The walker asks the filter of a directory about each of its entries; for a directory entry the
 * answer also carries the filter for the entries below it ({@link Match#below()}), so a filter can
 * pass what it learnt about a directory down to its children (patternmatcher's parent match
 * results). An entry that is not {@link Match#included() included} is left out — but a directory
 * left out whose {@code below} is not null is still descended, and it does take part (with its own
 * metadata) as soon as something below it does, as BuildKit's context transfer sends the parents of
 * every path it sends. Paths are relative to the top, {@code /}-separated, without a leading slash.
 * Implementations must be immutable and thread-safe.
 */
@FunctionalInterface
public interface PathFilter {

  /** Everything takes part. */
  PathFilter ALL = (relativePath, directory) -> Match.EVERYTHING;

  /**
   * The decision about one entry.
   *
   * @param relativePath the entry's path relative to the top of the walk
   * @param directory whether the entry is a directory (a symlink to one is not)
   * @return the decision; never null
   */
  Match match(String relativePath, boolean directory);

  /**
   * A filter's decision about one entry.
   *
   * @param included whether the entry itself takes part
   * @param below for a directory: the filter for its entries, or null when nothing below it can
   *     take part (the walker does not descend); ignored for other entries
   */
  record Match(boolean included, PathFilter below) {
    private static final Match EVERYTHING = new Match(true, ALL);
  }
}
