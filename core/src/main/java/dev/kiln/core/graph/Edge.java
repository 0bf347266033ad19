package dev.kiln.core.graph;

import java.util.Objects;

/**
 * One output of a vertex, used as the input of another vertex or as a result of a definition.
 *
 * @param vertex the producing vertex
 * @param output the output index, {@code 0 <= output < vertex.op().outputCount()}
 */
public record Edge(Vertex vertex, int output) {

  /** Checks the output index against the vertex's op. */
  public Edge {
    Objects.requireNonNull(vertex, "edge vertex");
    if (output < 0 || output >= vertex.op().outputCount()) {
      throw new IllegalArgumentException(
          "output "
              + output
              + " does not exist on vertex "
              + vertex.digest().shortForm()
              + " which has "
              + vertex.op().outputCount()
              + " output(s)");
    }
  }
}
