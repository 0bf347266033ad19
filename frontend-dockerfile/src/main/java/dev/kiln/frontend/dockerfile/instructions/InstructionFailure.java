package dev.kiln.frontend.dockerfile.instructions;

/** A problem in one instruction; the caller adds the file name and line. */
final class InstructionFailure extends Exception {
  private static final long serialVersionUID = 1L;

  InstructionFailure(String message) {
    super(message);
  }
}
