package dev.kiln.core.graph;

/** The network an exec op's process sees. */
public enum NetworkMode {
  /** A private network namespace with outbound access (the default). */
  SANDBOX,
  /** The host's network namespace. */
  HOST,
  /** A network namespace with only loopback. */
  NONE
}
