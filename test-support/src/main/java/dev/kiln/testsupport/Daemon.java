package dev.kiln.testsupport;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for daemon threads, so fixtures never keep a test JVM alive. */
final class Daemon {
  private Daemon() {}

  static ThreadFactory factory(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread thread = new Thread(r, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
