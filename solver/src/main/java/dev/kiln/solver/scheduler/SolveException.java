package dev.kiln.solver.scheduler;

import dev.kiln.oci.Digest;

/** A solve failed because one step failed; names the step (its progress name) and the cause. */
public final class SolveException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient Digest vertex;
  private final String step;

  /** Creates the exception for the failing vertex {@code vertex} shown as {@code step}. */
  public SolveException(Digest vertex, String step, Throwable cause) {
    super(
        "step '"
            + step
            + "' ("
            + vertex.shortForm()
            + ") failed: "
            + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()),
        cause);
    this.vertex = vertex;
    this.step = step;
  }

  /** The digest of the failing vertex. */
  public Digest vertex() {
    return vertex;
  }

  /** The progress name of the failing step. */
  public String step() {
    return step;
  }
}
