package dev.kiln.solver.exec;

/**
 * Network of a RUN container, as {@code RUN --network=...} selects it.
 *
 * <p>{@link #NONE} is the default: a fresh network namespace that holds only the loopback
 * interface, which runc brings up. {@link #HOST} shares the host's network namespace and copies the
 * host's {@code /etc/resolv.conf}.
 */
public enum NetworkMode {
  /** A new network namespace with only {@code lo} (up). */
  NONE,
  /** The host's network namespace. */
  HOST
}
