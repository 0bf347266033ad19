package dev.kiln.frontend.dockerfile.dockerignore;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which context paths a {@code .dockerignore} excludes (moby/patternmatcher): patterns are
 * applied in order, the last matching one wins, {@code !} patterns re-include, and a pattern that
 * matches a directory also matches everything below it. Paths are slash-separated and relative to
 * the context root. Immutable and thread-safe.
 */
public final class PatternMatcher {
  private final List<IgnorePattern> patterns;

  private PatternMatcher(List<IgnorePattern> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  /**
   * Compiles patterns (already read with {@link Dockerignore#readPatterns}, or given directly).
   *
   * @param patterns the patterns in order; blank ones are skipped
   * @return the matcher
   * @throws DockerignoreException for a lone {@code !} or a malformed pattern
   */
  public static PatternMatcher of(List<String> patterns) throws DockerignoreException {
    List<IgnorePattern> out = new ArrayList<>();
    for (String p : patterns) {
      String s = p.strip();
      if (s.isEmpty()) {
        continue;
      }
      s = PathCleaner.clean(s);
      boolean exclusion = false;
      if (s.charAt(0) == '!') {
        if (s.length() == 1) {
          throw new DockerignoreException(
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

  /**
   * Returns whether the path is excluded, testing its parent directories too.
   *
   * @param path a slash-separated path relative to the context
   * @return true if the path is ignored
   */
  public boolean matches(String path) {
    return match(path, MatchInfo.none()).excluded();
  }

  /**
   * The result of {@link #match}.
   *
   * @param excluded true if the path is ignored
   * @param info what to pass when matching this directory's children
   */
  public record Result(boolean excluded, MatchInfo info) {}

  /**
   * Matches a path using its parent directory's result, as a walker does.
   *
   * @param path a slash-separated path relative to the context
   * @param parent the parent's {@link Result#info()}, or {@link MatchInfo#none()}
   * @return whether the path is excluded, and the info for its children
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

  /**
   * Returns whether a walker may skip an excluded directory entirely: true unless some exception
   * pattern could re-include a path below it (decided conservatively from the exception's literal
   * prefix, so patterns starting with a wildcard always prevent skipping).
   *
   * @param dir the excluded directory, slash-separated, relative to the context
   * @return true if nothing below {@code dir} can be re-included
   */
  public boolean canSkipDirectory(String dir) {
    String dirSlash = dir + "/";
    for (IgnorePattern p : patterns) {
      if (!p.exclusion()) {
        continue;
      }
      String prefix = literalPrefix(p.cleaned());
      if (prefix.startsWith(dirSlash) || dirSlash.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }

  private static String literalPrefix(String pattern) {
    int i = 0;
    while (i < pattern.length() && "*?[\\".indexOf(pattern.charAt(i)) < 0) {
      i++;
    }
    return i == pattern.length() ? pattern + "/" : pattern.substring(0, i);
  }
}
