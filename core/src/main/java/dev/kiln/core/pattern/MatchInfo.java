package dev.kiln.core.pattern;

/**
 * Which patterns matched a directory, passed down to its children so a walker need not re-test
 * parent paths. {@link #none()} means "no information" (the path's parents are then tested).
 */
public final class MatchInfo {
  private static final MatchInfo NONE = new MatchInfo(new boolean[0]);

  private final boolean[] parentMatched;

  MatchInfo(boolean[] parentMatched) {
    this.parentMatched = parentMatched.clone();
  }

  /** Returns the value to use for a path at the root of the context. */
  public static MatchInfo none() {
    return NONE;
  }

  int size() {
    return parentMatched.length;
  }

  boolean matched(int i) {
    return parentMatched[i];
  }
}
