package dev.kiln.cli.progress;

import dev.kiln.oci.Digest;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code --progress=plain}: one line per event, in BuildKit's plain format ({@code #3 [2/4] COPY a
 * /a}, {@code #3 CACHED}, {@code #4 0.512 output line}, {@code #4 DONE 0.6s}, {@code #5 ERROR: …}).
 * Transfers print when they finish. Thread-safe.
 */
final class PlainDisplay implements ProgressDisplay {

  private final PrintStream out;
  private final Clock clock;
  private final long begin;
  private final Steps steps = new Steps();
  private Digest last;
  private boolean finished;

  PlainDisplay(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
    this.begin = clock.nanos();
  }

  @Override
  public void vertexStarted(Digest vertex, String name) {
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, name);
      s.started = clock.nanos();
      header(s);
    }
  }

  @Override
  public void vertexCached(Digest vertex, String name) {
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, name);
      s.cached = true;
      header(s);
      line(s, "CACHED");
    }
  }

  @Override
  public void vertexCompleted(Digest vertex, String name) {
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, name);
      s.ended = clock.nanos();
      header(s);
      line(s, String.format(Locale.ROOT, "DONE %.1fs", s.seconds(s.ended)));
    }
  }

  @Override
  public void vertexFailed(Digest vertex, String name, String message) {
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, name);
      s.ended = clock.nanos();
      s.error = message;
      header(s);
      line(s, "ERROR: " + message);
    }
  }

  @Override
  public void bytes(Digest vertex, String id, long current, long total) {
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, null);
      long[] seen = s.transfers.get(id);
      boolean complete = total >= 0 && current >= total;
      if (complete && (seen == null || seen[0] < total)) {
        header(s);
        line(s, shortId(id) + " " + Steps.size(current) + " done");
      }
      s.transfers.put(id, new long[] {current, total});
    }
  }

  @Override
  public void log(Digest vertex, LogStream stream, String text) {
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, null);
      header(s);
      long base = s.started >= 0 ? s.started : begin;
      line(s, String.format(Locale.ROOT, "%.3f %s", (clock.nanos() - base) / 1e9, text));
    }
  }

  @Override
  public void notice(String line) {
    synchronized (steps) {
      out.println(line);
      // the next step line prints its step's title again
      last = null;
    }
  }

  @Override
  public void finish(boolean success) {
    synchronized (steps) {
      finished = true;
      out.flush();
    }
  }

  @Override
  public void close() {
    synchronized (steps) {
      if (!finished) {
        finish(false);
      }
    }
  }

  /** Prints the step's title when the output switches to it, BuildKit style. */
  private void header(Steps.Step s) {
    if (s.digest.equals(last)) {
      return;
    }
    if (last != null) {
      out.println();
    }
    last = s.digest;
    out.println("#" + s.number + " " + s.name);
  }

  private void line(Steps.Step s, String text) {
    out.println("#" + s.number + " " + text);
  }

  static String shortId(String id) {
    return id.startsWith("sha256:") && id.length() > 19 ? id.substring(0, 19) : id;
  }
}
