package dev.kiln.solver.layer;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.kiln.oci.MediaTypes.Compression;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads layer compression runs on, and how much of it may run at once. gzip blocks are
 * deflated on this pool's threads ({@link ParallelGzipOutputStream}); zstd runs with as many
 * libzstd workers as the pool has threads. Either way the compressed bytes do not depend on the
 * number of threads: gzip blocks have a fixed size, and zstd's multi-threaded format is the same
 * for any number of workers ≥ 1 (kiln never uses zstd's single-threaded mode, whose output
 * differs).
 *
 * <p>Memory is bounded twice: each gzip stream keeps at most {@link #blocksInFlight()} blocks
 * queued or running, and {@link #layerConcurrency} limits how many layers one export compresses at
 * once so that their buffers stay under {@link #BUFFER_BUDGET} bytes.
 *
 * <p>{@link #shared()} is one pool per JVM sized to the available processors, with daemon threads.
 * Thread-safe.
 */
public final class CompressionPool implements AutoCloseable {

  /** Bytes of compression buffers that the layers of one export may hold at once (about). */
  static final long BUFFER_BUDGET = 64L << 20;

  private static final class Shared {
    static final CompressionPool POOL =
        new CompressionPool(Runtime.getRuntime().availableProcessors());
  }

  private final int threads;
  private final ExecutorService executor;
  private final GzipSegments segments = new GzipSegments();

  /**
   * A pool of {@code threads} daemon threads; {@link #close()} stops them.
   *
   * @param threads at least 1
   */
  public CompressionPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.executor = Executors.newFixedThreadPool(threads, daemonThreads("kiln-compress-"));
  }

  /** The JVM-wide pool, one thread per available processor; never closed. */
  public static CompressionPool shared() {
    return Shared.POOL;
  }

  /** The deflated contents its gzip streams keep for one another (see {@link GzipSegments}). */
  GzipSegments segments() {
    return segments;
  }

  /** How many threads (gzip) or workers (zstd) one stream uses. */
  public int threads() {
    return threads;
  }

  /** How many gzip blocks one stream may have queued or running at once. */
  int blocksInFlight() {
    return 2 * threads + 2;
  }

  /**
   * A stream compressing into {@code out} as layers are compressed (the same bytes {@link
   * LayerWriter} writes for a tar); closing it ends the compressed stream (gzip trailer, zstd frame
   * end) and flushes {@code out} without closing it. {@code flush()} on it does nothing, so that
   * flushes by upstream writers cannot change the compressed bytes. One writer per stream.
   *
   * @param level gzip -1–9, zstd -7–22; ignored when uncompressed
   */
  public OutputStream open(OutputStream out, Compression compression, int level)
      throws IOException {
    return switch (compression) {
      case UNCOMPRESSED -> new NonClosing(out);
      case GZIP -> new ParallelGzipOutputStream(out, level, executor, blocksInFlight(), segments);
      case ZSTD -> new ZstdStream(out, level, threads);
    };
  }

  /**
   * How many of {@code layers} layers to compress at once: no more than the threads, and few enough
   * that their buffers fit {@link #BUFFER_BUDGET} (gzip: the blocks in flight; zstd: the workers'
   * job buffers, four windows each).
   */
  int layerConcurrency(Compression compression, int level, int layers) {
    long perStream =
        switch (compression) {
          case UNCOMPRESSED -> 1L << 20;
          case GZIP -> (long) (blocksInFlight() + 2) * 2 * ParallelGzipOutputStream.BLOCK_SIZE;
          case ZSTD -> (threads + 2L) * 4 * (1L << zstdWindowLog(level));
        };
    long byBudget = Math.max(1, BUFFER_BUDGET / perStream);
    return (int) Math.max(1, Math.min(Math.min(layers, threads), byBudget));
  }

  /** libzstd's window for a level when the input size is unknown (its parameter table). */
  private static int zstdWindowLog(int level) {
    if (level <= 1) {
      return 19;
    }
    if (level == 2) {
      return 20;
    }
    if (level <= 7) {
      return 21;
    }
    if (level <= 16) {
      return 22;
    }
    return level <= 19 ? 23 : 27;
  }

  /**
   * Runs {@code tasks} with at most {@code concurrency} at once on threads of their own (never this
   * pool's, whose tasks must not block) and returns their results in order. The first failure
   * cancels the tasks not yet finished and is thrown.
   */
  static <T> List<T> runAll(List<? extends Callable<T>> tasks, int concurrency)
      throws ExecutionException, InterruptedIOException {
    if (tasks.size() == 1 || concurrency <= 1) {
      List<T> out = new ArrayList<>(tasks.size());
      for (Callable<T> t : tasks) {
        try {
          out.add(t.call());
        } catch (Exception e) {
          throw new ExecutionException(e);
        }
      }
      return out;
    }
    ExecutorService layers =
        Executors.newFixedThreadPool(concurrency, daemonThreads("kiln-compress-layer-"));
    try {
      List<Future<T>> futures = new ArrayList<>(tasks.size());
      for (Callable<T> t : tasks) {
        futures.add(layers.submit(t));
      }
      List<T> out = new ArrayList<>(tasks.size());
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing layers");
    } finally {
      layers.shutdownNow();
    }
  }

  /** Stops this pool's threads; the shared pool ignores this. */
  @Override
  public void close() {
    if (this != Shared.POOL) {
      executor.shutdownNow();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Passes everything on but ignores close, so a compressor's close cannot close the file. */
  static final class NonClosing extends FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  /** zstd with workers that ignores flush and, on close, ends the frame but leaves out open. */
  private static final class ZstdStream extends ZstdOutputStreamNoFinalizer {
    ZstdStream(OutputStream out, int level, int workers) throws IOException {
      super(out, level);
      setWorkers(workers);
    }

    /** A flush would end a zstd block early and so change the bytes. */
    @Override
    public void flush() {}

    @Override
    public void close() throws IOException {
      closeWithoutClosingParentStream();
      out.flush();
    }
  }
}
