package dev.kiln.solver.exec;

import java.util.ArrayList;
import java.util.List;

/** Records output lines; thread-safe. */
final class CollectingListener implements OutputListener {

  private final List<String> stdout = new ArrayList<>();
  private final List<String> stderr = new ArrayList<>();

  @Override
  public synchronized void line(Stream stream, String line) {
    (stream == Stream.STDOUT ? stdout : stderr).add(line);
  }

  synchronized List<String> stdout() {
    return List.copyOf(stdout);
  }

  synchronized List<String> stderr() {
    return List.copyOf(stderr);
  }
}
