package dev.kiln.frontend.dockerfile.parser;

/** A problem in one logical line; the parser adds the file name and line. */
final class ParseFailure extends Exception {
  private static final long serialVersionUID = 1L;

  ParseFailure(String message) {
    super(message);
  }
}
