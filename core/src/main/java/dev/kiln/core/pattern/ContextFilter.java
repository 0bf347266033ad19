package dev.kiln.core.pattern;

import dev.kiln.core.port.PathFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * The build-context filter of a local source's include and exclude patterns, with the semantics of
 * BuildKit's context transfer (tonistiigi/fsutil {@code FilterOpt}, walked with patternmatcher's
 * {@code MatchesUsingParentResults}):
 *
 * <ul>
 *   <li>an entry takes part when it (or a parent directory) matches the include patterns, if any,
 *       and it (or a parent) is not matched by the exclude patterns; both lists are full
 *       patternmatcher lists, so the last matching pattern wins and {@code !pattern} re-includes;
 *   <li>a directory that does not take part is still descended when something below it might: it
 *       then takes part only as the parent of what does ({@code *} then {@code !src} sends {@code
 *       src} and nothing else);
 *   <li>such a directory is pruned, as fsutil prunes it, only when every exception is a plain path
 *       (no {@code * ? [ ] ^ \} before a trailing {@code /*} or {@code /**}) and none of them lies
 *       below it; with a wildcard exception every excluded directory is walked.
 * </ul>
 *
 * Immutable and thread-safe; each directory's filter carries its match results for its children.
 */
public final class ContextFilter implements PathFilter {

  /** What a pattern must not contain for fsutil to prune by its literal prefix. */
  private static final String PATTERN_CHARS = "*[]?^\\";

  private final Rules rules;
  private final MatchInfo includeInfo;
  private final MatchInfo excludeInfo;

  private ContextFilter(Rules rules, MatchInfo includeInfo, MatchInfo excludeInfo) {
    this.rules = rules;
    this.includeInfo = includeInfo;
    this.excludeInfo = excludeInfo;
  }

  /**
   * The filter for a local source's patterns.
   *
   * @param include include patterns (empty: everything is included)
   * @param exclude exclude patterns, e.g. a {@code .dockerignore} read with {@link IgnoreFile#read}
   * @return the filter; {@link PathFilter#ALL} when both lists are empty
   * @throws PatternException if a pattern is malformed; the message says which list
   */
  public static PathFilter of(List<String> include, List<String> exclude) throws PatternException {
    if (include.isEmpty() && exclude.isEmpty()) {
      return PathFilter.ALL;
    }
    PatternMatcher inc = include.isEmpty() ? null : compile("include", include);
    PatternMatcher exc = exclude.isEmpty() ? null : compile("exclude", exclude);
    Rules rules = new Rules(inc, exc, prefixes(inc, false), prefixes(exc, true));
    return new ContextFilter(rules, MatchInfo.none(), MatchInfo.none());
  }

  private static PatternMatcher compile(String which, List<String> patterns)
      throws PatternException {
    try {
      return PatternMatcher.of(patterns);
    } catch (PatternException e) {
      throw new PatternException("invalid " + which + " pattern: " + e.getMessage());
    }
  }

  /**
   * The literal prefixes (with a trailing slash) of the include patterns ({@code exceptions} false)
   * or of the exceptions, or null when one of them has a wildcard and nothing may be pruned.
   */
  private static List<String> prefixes(PatternMatcher m, boolean exceptions) {
    if (m == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (IgnorePattern p : m.patterns()) {
      if (p.exclusion() != exceptions) {
        continue;
      }
      String s = withoutTrailingGlob(p.cleaned());
      for (int i = 0; i < s.length(); i++) {
        if (PATTERN_CHARS.indexOf(s.charAt(i)) >= 0) {
          return null;
        }
      }
      out.add(s + "/");
    }
    return List.copyOf(out);
  }

  private static String withoutTrailingGlob(String pattern) {
    String s = pattern.endsWith("/**") ? pattern.substring(0, pattern.length() - 3) : pattern;
    return s.endsWith("/*") ? s.substring(0, s.length() - 2) : s;
  }

  @Override
  public Match match(String relativePath, boolean directory) {
    boolean skip = false;
    MatchInfo inc = includeInfo;
    MatchInfo exc = excludeInfo;
    if (rules.include != null) {
      PatternMatcher.Result r = rules.include.match(relativePath, includeInfo);
      inc = r.info();
      if (!r.matched()) {
        if (directory && !mayHoldOne(rules.includePrefixes, relativePath)) {
          return new Match(false, null);
        }
        skip = true;
      }
    }
    if (rules.exclude != null) {
      PatternMatcher.Result r = rules.exclude.match(relativePath, excludeInfo);
      exc = r.info();
      if (r.matched()) {
        if (directory && !mayHoldOne(rules.exceptionPrefixes, relativePath)) {
          return new Match(false, null);
        }
        skip = true;
      }
    }
    return new Match(!skip, directory ? new ContextFilter(rules, inc, exc) : null);
  }

  /** Whether one of the prefixes lies below {@code dir}; always true when prefixes is null. */
  private static boolean mayHoldOne(List<String> prefixes, String dir) {
    if (prefixes == null) {
      return true;
    }
    String dirSlash = dir + "/";
    for (String p : prefixes) {
      if (p.startsWith(dirSlash)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The compiled patterns shared by every directory's filter.
   *
   * @param includePrefixes see {@link #prefixes}
   * @param exceptionPrefixes see {@link #prefixes}
   */
  private record Rules(
      PatternMatcher include,
      PatternMatcher exclude,
      List<String> includePrefixes,
      List<String> exceptionPrefixes) {}
}
