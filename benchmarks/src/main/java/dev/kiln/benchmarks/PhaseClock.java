package dev.kiln.benchmarks;

import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * Wall times of one solve, taken from the scheduler's progress events: the time until the first
 * vertex starts (cache keys, which for a build context include its checksum), then each executed
 * vertex from start to completion; a process's output lines carry their time since their vertex
 * started (so a RUN ending with an {@code echo} shows when its process finished). Named phases
 * outside the solve are added with {@link #phase}. Thread-safe (synchronised; events are rare).
 */
final class PhaseClock implements ProgressListener {

  private final List<String> lines = new ArrayList<>();
  private final List<Digest> running = new ArrayList<>();
  private final List<Long> startedAt = new ArrayList<>();
  private long solveStart;
  private boolean firstStartSeen;

  /** Marks the start of the solve. */
  synchronized void solveStarted() {
    solveStart = System.nanoTime();
    firstStartSeen = false;
  }

  /** Records a phase measured by the caller. */
  synchronized void phase(String name, long nanos) {
    lines.add(format(name, nanos));
  }

  @Override
  public synchronized void vertexStarted(Digest vertex, String name) {
    long now = System.nanoTime();
    if (!firstStartSeen) {
      firstStartSeen = true;
      lines.add(
          format("cache keys before the first vertex (incl. context checksum)", now - solveStart));
    }
    running.add(vertex);
    startedAt.add(now);
  }

  @Override
  public synchronized void vertexCompleted(Digest vertex, String name) {
    int i = running.indexOf(vertex);
    if (i >= 0) {
      lines.add(format("vertex '" + name + "'", System.nanoTime() - startedAt.get(i)));
      running.remove(i);
      startedAt.remove(i);
    }
  }

  @Override
  public synchronized void vertexFailed(Digest vertex, String name, String message) {
    lines.add("vertex '" + name + "' FAILED: " + message);
  }

  /** Output lines are kept with their time since the vertex started, to time the process. */
  @Override
  public synchronized void log(Digest vertex, LogStream stream, String line) {
    int i = running.indexOf(vertex);
    long since = i < 0 ? 0 : System.nanoTime() - startedAt.get(i);
    lines.add(String.format("  | %8.2f s after the vertex started: %s", since / 1e9, line));
  }

  /** Prints the phases in the order they ended. */
  synchronized void report() {
    lines.forEach(System.out::println);
  }

  private static String format(String name, long nanos) {
    return String.format("phase %-62s %8.2f s", name, nanos / 1e9);
  }
}
