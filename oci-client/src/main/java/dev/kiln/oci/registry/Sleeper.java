package dev.kiln.oci.registry;

import java.time.Duration;

/** Waits between retries. Replaced in tests by a recorder that returns at once. */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps with {@link Thread#sleep(long)}. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  /** Waits for {@code duration}; must be callable from many threads at once. */
  void sleep(Duration duration) throws InterruptedException;
}
