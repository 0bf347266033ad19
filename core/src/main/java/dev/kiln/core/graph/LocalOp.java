package dev.kiln.core.graph;

import java.util.List;

/**
 * Source op: a directory provided by the client of the build (the build context).
 *
 * @param name the name under which the client provides the directory (e.g. {@code context})
 * @param includePatterns only paths matched by these are transferred (empty: all)
 * @param excludePatterns paths matched by these are not transferred (e.g. .dockerignore). Both
 *     lists are moby/patternmatcher patterns ({@code **}, {@code !exception}, last match wins),
 *     applied as BuildKit's context transfer applies them ({@code dev.kiln.core.pattern
 *     .ContextFilter})
 * @param sharedKey a key under which transferred files may be reused between builds; empty for
 *     none. Part of identity, because two different keys must not share a transfer cache.
 */
public record LocalOp(
    String name, List<String> includePatterns, List<String> excludePatterns, String sharedKey)
    implements Op {

  /** Requires a name; copies the pattern lists; a null shared key becomes empty. */
  public LocalOp {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("local source needs a name, e.g. \"context\"");
    }
    includePatterns = Ops.copyStrings("include pattern", includePatterns);
    excludePatterns = Ops.copyStrings("exclude pattern", excludePatterns);
    sharedKey = sharedKey == null ? "" : sharedKey;
  }

  /** A local source of everything under {@code name}. */
  public static LocalOp of(String name) {
    return new LocalOp(name, List.of(), List.of(), "");
  }

  @Override
  public int outputCount() {
    return 1;
  }

  @Override
  public void checkInputCount(int inputCount) {
    Ops.requireInputs("local source", inputCount, 0, 0);
  }
}
