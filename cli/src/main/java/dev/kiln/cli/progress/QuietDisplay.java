package dev.kiln.cli.progress;

/** {@code --progress=quiet}: shows nothing; errors still reach standard error. Thread-safe. */
final class QuietDisplay implements ProgressDisplay {

  @Override
  public void finish(boolean success) {}

  @Override
  public void close() {}
}
