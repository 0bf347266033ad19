package dev.kiln.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap figures of this JVM for the memory-limit checks: the sum of every heap pool's peak usage
 * (the JVM's own bookkeeping, so nothing between samples is missed; an upper bound, since pools may
 * peak at different times), the largest whole-heap usage seen by a sampler thread, and
 * per-collector counts and times. Start it before the work; thread-safe.
 */
final class HeapGauge implements AutoCloseable {

  private static final long MIB = 1024 * 1024;

  private final Thread sampler;
  private volatile long maxSampled;
  private volatile boolean running = true;

  private HeapGauge() {
    for (MemoryPoolMXBean p : heapPools()) {
      p.resetPeakUsage();
    }
    sampler = new Thread(this::sample, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Resets the pools' peaks and starts sampling every 10 ms. */
  static HeapGauge start() {
    return new HeapGauge();
  }

  private void sample() {
    while (running) {
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used > maxSampled) {
        maxSampled = used;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The sum over heap pools of their peak usage since {@link #start}, in bytes. */
  long peakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean p : heapPools()) {
      sum += p.getPeakUsage().getUsed();
    }
    return sum;
  }

  /** Prints the figures; the line starting {@code PEAK_HEAP_BYTES=} is what the scripts check. */
  void report() {
    System.out.printf("heap max (-Xmx):        %6d MiB%n", Runtime.getRuntime().maxMemory() / MIB);
    for (MemoryPoolMXBean p : heapPools()) {
      System.out.printf(
          "  pool %-22s peak %6.1f MiB%n", p.getName(), p.getPeakUsage().getUsed() / (double) MIB);
    }
    System.out.printf("peak heap (sum of pool peaks): %6.1f MiB%n", peakBytes() / (double) MIB);
    System.out.printf("max heap used (sampled 10 ms): %6.1f MiB%n", maxSampled / (double) MIB);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      System.out.printf(
          "  gc %-24s %5d collections %6d ms%n",
          gc.getName(), gc.getCollectionCount(), gc.getCollectionTime());
    }
    System.out.println("PEAK_HEAP_BYTES=" + peakBytes());
  }

  private static List<MemoryPoolMXBean> heapPools() {
    List<MemoryPoolMXBean> out = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        out.add(p);
      }
    }
    return out;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
