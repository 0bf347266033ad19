package dev.kiln.core.port;

import dev.kiln.oci.Digest;

/**
 * Receives what happens during a solve, for display. Vertices are identified by their vertex digest
 * plus a display name (the vertex metadata name, or one derived by the solver).
 *
 * <p>Calls arrive from solver threads concurrently and must return quickly; implementations must be
 * thread-safe and must not throw. For one vertex, the order is: {@code vertexStarted}, then any
 * {@code bytes}/{@code log} calls, then exactly one of {@code vertexCached}, {@code
 * vertexCompleted} or {@code vertexFailed}. A cached vertex may be reported without a start. All
 * methods default to doing nothing.
 */
public interface ProgressListener {

  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /** Which output stream a log line came from. */
  enum LogStream {
    /** The process's standard output. */
    STDOUT,
    /** The process's standard error. */
    STDERR
  }

  /** Work on a vertex started. */
  default void vertexStarted(Digest vertex, String name) {}

  /** The vertex's result was found in a cache; it is not executed. */
  default void vertexCached(Digest vertex, String name) {}

  /** The vertex was executed successfully. */
  default void vertexCompleted(Digest vertex, String name) {}

  /** The vertex failed; {@code message} is one line for the user. */
  default void vertexFailed(Digest vertex, String name, String message) {}

  /**
   * Bytes moved for {@code vertex} (pulling, pushing, exporting) on the transfer {@code id} (e.g. a
   * blob digest); {@code total} is -1 when unknown. {@code current} grows monotonically per id.
   */
  default void bytes(Digest vertex, String id, long current, long total) {}

  /** One line (without its line terminator) written by a vertex's process. */
  default void log(Digest vertex, LogStream stream, String line) {}
}
