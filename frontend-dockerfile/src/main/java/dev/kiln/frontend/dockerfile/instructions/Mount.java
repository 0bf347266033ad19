package dev.kiln.frontend.dockerfile.instructions;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code RUN --mount=type=…,k=v} specification. Option keys are normalised ({@code dst} and
 * {@code destination} become {@code target}, {@code src} becomes {@code source}, {@code ro} becomes
 * {@code readonly}, {@code rw} becomes {@code readwrite}).
 *
 * @param type bind (default), cache, tmpfs, secret or ssh, as written (may hold a variable until
 *     expanded)
 * @param options the remaining options, values as written until expanded
 */
public record Mount(String type, Map<String, String> options) {
  /** Validates and copies. */
  public Mount {
    Objects.requireNonNull(type, "type");
    options = Map.copyOf(options);
  }

  /** Returns the stage or image the mount reads from, if any. */
  public Optional<String> from() {
    return Optional.ofNullable(options.get("from"));
  }

  /** Returns the mount point in the container, if given. */
  public Optional<String> target() {
    return Optional.ofNullable(options.get("target"));
  }
}
