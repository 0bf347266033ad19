package dev.kiln.solver.worker;

import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Test helper: records vertex events ({@code "started NAME"}, {@code "completed NAME"}, {@code
 * "cached NAME"}, {@code "failed NAME"}) and log lines ({@code "STDOUT line"}) in arrival order.
 */
final class Events implements ProgressListener {

  private final List<String> events = new ArrayList<>();
  private final List<String> logs = new ArrayList<>();
  private final CountDownLatch failed = new CountDownLatch(1);
  private final CountDownLatch logged = new CountDownLatch(1);

  @Override
  public synchronized void vertexStarted(Digest vertex, String name) {
    events.add("started " + name);
  }

  @Override
  public synchronized void vertexCached(Digest vertex, String name) {
    events.add("cached " + name);
  }

  @Override
  public synchronized void vertexCompleted(Digest vertex, String name) {
    events.add("completed " + name);
  }

  @Override
  public void vertexFailed(Digest vertex, String name, String message) {
    synchronized (this) {
      events.add("failed " + name);
    }
    failed.countDown();
  }

  @Override
  public void log(Digest vertex, LogStream stream, String line) {
    synchronized (this) {
      logs.add(stream + " " + line);
    }
    logged.countDown();
  }

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  synchronized List<String> logs() {
    return List.copyOf(logs);
  }

  /** Counted down when the first vertex failed (after its runner returned). */
  CountDownLatch failedLatch() {
    return failed;
  }

  /** Counted down on the first log line. */
  CountDownLatch loggedLatch() {
    return logged;
  }
}
