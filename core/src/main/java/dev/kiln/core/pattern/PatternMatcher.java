package dev.kiln.core.pattern;

import java.util.ArrayList;
import java.util.List;

/**
 * moby/patternmatcher's {@code PatternMatcher}: which paths a list of patterns matches. Patterns
 * are applied in order and the last matching one wins; {@code !pattern} is an exception that
 * un-matches; a pattern that matches a directory also matches everything below it. Paths are
 * slash-separated and relative to the context root. {@link ContextFilter} builds a build-context
 * filter from two of these, as BuildKit's context transfer does. Immutable and thread-safe.
 */
public final class PatternMatcher {
  private final List<IgnorePattern> patterns;

  private PatternMatcher(List<IgnorePattern> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  /**
   * Compiles patterns (read with {@link IgnoreFile#read}, or given directly), as {@code
   * patternmatcher.New}: each is trimmed and cleaned; blank ones are skipped.
   *
   * @param patterns the patterns in order
   * @return the matcher
   * @throws PatternException for a lone {@code !} or a malformed pattern
   */
  public static PatternMatcher of(List<String> patterns) throws PatternException {
    List<IgnorePattern> out = new ArrayList<>();
    for (String p : patterns) {
      String s = PathCleaner.trimSpace(p);
      if (s.isEmpty()) {
        continue;
      }
      s = PathCleaner.clean(s);
      boolean exclusion = false;
      if (s.charAt(0) == '!') {
        if (s.length() == 1) {
          throw new PatternException(
              "illegal exclusion pattern: \"!\" (write !path to re-include a path)");
        }
        exclusion = true;
        s = s.substring(1);
      }
      out.add(new IgnorePattern(s, exclusion));
    }
    return new PatternMatcher(out);
  }

  /** Returns true if any pattern is an exception ({@code !pattern}). */
  public boolean hasExclusions() {
    return patterns.stream().anyMatch(IgnorePattern::exclusion);
  }

  List<IgnorePattern> patterns() {
    return patterns;
  }

  /**
   * Whether the path or one of its parent directories is matched and not un-matched by a later
   * exception ({@code MatchesOrParentMatches}).
   *
   * @param path a slash-separated path relative to the context
   * @return true if the path is matched
   */
  public boolean matches(String path) {
    return match(path, MatchInfo.none()).matched();
  }

  /**
   * The result of {@link #match}.
   *
   * @param matched true if the path is matched
   * @param info what to pass when matching this directory's children
   */
  public record Result(boolean matched, MatchInfo info) {}

  /**
   * Matches a path using its parent directory's result, as a walker does ({@code
   * MatchesUsingParentResults}). With the parent's info, parent directories are not tested again; a
   * pattern that matched the parent matches the child. This can differ from {@link #matches}: an
   * exception skipped for the parent (nothing was matched yet) is not tested against the parent
   * again for the child. BuildKit's context walker uses this form.
   *
   * @param path a slash-separated path relative to the context
   * @param parent the parent's {@link Result#info()}, or {@link MatchInfo#none()} at the top (then
   *     the parents are tested as in {@link #matches})
   * @return whether the path is matched, and the info for its children
   * @throws IllegalArgumentException if {@code parent} came from another matcher
   */
  public Result match(String path, MatchInfo parent) {
    if (parent.size() != 0 && parent.size() != patterns.size()) {
      throw new IllegalArgumentException("wrong number of values in parent match info");
    }
    boolean matched = false;
    boolean[] info = new boolean[patterns.size()];
    for (int i = 0; i < patterns.size(); i++) {
      IgnorePattern pattern = patterns.get(i);
      boolean match = parent.size() != 0 && parent.matched(i);
      if (!match) {
        // an inclusion cannot change an already excluded path, nor an exception an included one
        if (pattern.exclusion() != matched) {
          continue;
        }
        match = pattern.matches(path);
        if (!match && parent.size() == 0) {
          match = matchesParent(pattern, path);
        }
      }
      info[i] = match;
      if (match) {
        matched = !pattern.exclusion();
      }
    }
    return new Result(matched, new MatchInfo(info));
  }

  private static boolean matchesParent(IgnorePattern pattern, String path) {
    int slash = path.indexOf('/');
    while (slash >= 0) {
      if (pattern.matches(path.substring(0, slash))) {
        return true;
      }
      slash = path.indexOf('/', slash + 1);
    }
    return false;
  }
}
