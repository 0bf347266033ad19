package dev.kiln.core.port;

import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The paths of an input whose content defines a content-based ("slow") cache key, as decided by the
 * op's cache map. Empty means the whole snapshot ({@code /}).
 *
 * @param paths de-duplicated and sorted by path (then by flags)
 */
public record ContentSelection(List<PathSelector> paths) {

  private static final Comparator<PathSelector> ORDER =
      Comparator.comparing(PathSelector::path)
          .thenComparing(PathSelector::followSymlinks)
          .thenComparing(PathSelector::wildcard);

  /** Sorts and de-duplicates. */
  public ContentSelection {
    TreeSet<PathSelector> set = new TreeSet<>(ORDER);
    set.addAll(paths);
    paths = List.copyOf(set);
  }

  /** The whole snapshot. */
  public static ContentSelection all() {
    return new ContentSelection(List.of(new PathSelector("/", true, false)));
  }
}
