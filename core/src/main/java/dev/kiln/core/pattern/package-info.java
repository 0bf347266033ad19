/**
 * Docker's path patterns (moby/patternmatcher): {@link dev.kiln.core.pattern.PatternMatcher} with
 * its parent-aware form for walkers, {@link dev.kiln.core.pattern.IgnoreFile} to read a {@code
 * .dockerignore}, and {@link dev.kiln.core.pattern.ContextFilter}, the build-context filter of
 * include and exclude patterns that every reader of the context uses (transfer, checksum).
 */
package dev.kiln.core.pattern;
