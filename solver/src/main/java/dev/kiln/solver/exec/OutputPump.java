package dev.kiln.solver.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Copies a process's stdout and stderr to an {@link OutputListener} line by line on two daemon
 * threads, and keeps the last lines of both streams for error messages. Lines are cut at {@value
 * #MAX_LINE} bytes so that output without newlines cannot exhaust memory. Thread-safe.
 */
final class OutputPump {

  static final int MAX_LINE = 8192;

  private final OutputListener listener;
  private final int tailSize;
  private final Deque<String> tail = new ArrayDeque<>();
  private final List<Thread> threads = new ArrayList<>();

  OutputPump(OutputListener listener, int tailSize) {
    this.listener = listener;
    this.tailSize = tailSize;
  }

  /** Starts a thread that pumps {@code in} until end of stream. */
  void start(InputStream in, OutputListener.Stream stream, String name) {
    Thread t = new Thread(() -> pump(in, stream), name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Waits until every stream reached its end (the process and its children closed them). */
  void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  /**
   * @return the last lines, oldest first
   */
  synchronized List<String> tail() {
    return List.copyOf(tail);
  }

  private void pump(InputStream in, OutputListener.Stream stream) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            emit(stream, line);
          } else {
            line.write(b);
            if (line.size() >= MAX_LINE) {
              emit(stream, line);
            }
          }
        }
      }
    } catch (IOException e) {
      // The pipe broke because the process was killed: what was read so far is all there is.
    }
    if (line.size() > 0) {
      emit(stream, line);
    }
  }

  private void emit(OutputListener.Stream stream, ByteArrayOutputStream line) {
    String text = line.toString(StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    line.reset();
    synchronized (this) {
      tail.addLast(text);
      if (tail.size() > tailSize) {
        tail.removeFirst();
      }
    }
    try {
      listener.line(stream, text);
    } catch (RuntimeException e) {
      // A failing progress sink must not stop draining the pipe, or the container would block.
    }
  }
}
