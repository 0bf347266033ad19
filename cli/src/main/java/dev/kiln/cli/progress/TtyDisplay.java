package dev.kiln.cli.progress;

import dev.kiln.oci.Digest;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code --progress=tty}: BuildKit's live view. A header ({@code [+] Building 1.2s (5/7)}) and one
 * line per step ({@code => CACHED [2/3] COPY a /a 0.0s}, running steps with a live timer and the
 * last lines of their output), redrawn in place every 100 ms with ANSI cursor movement. Lines are
 * cut to the terminal's width and the view to its height while running (a wrapped line or a
 * scrolled frame would leave stale lines behind: {@link TerminalSize}); the last frame is printed
 * whole when the build ends. Thread-safe: events only update state; one daemon thread draws.
 */
final class TtyDisplay implements ProgressDisplay {

  private static final long REFRESH_MS = 100;

  private final PrintStream out;
  private final Clock clock;
  private final long begin;
  private final Steps steps = new Steps();
  private final int width;
  private final int height;
  private final ScheduledExecutorService ticker;
  private int drawnLines;
  private boolean finished;

  TtyDisplay(PrintStream out, Clock clock, TerminalSize size) {
    this.out = out;
    this.clock = clock;
    this.begin = clock.nanos();
    this.width = size.columns();
    this.height = size.rows();
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kiln-progress");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleAtFixedRate(this::redraw, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void vertexStarted(Digest vertex, String name) {
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, name);
      if (s.started < 0) {
        s.started = clock.nanos();
      }
    }
  }

  @Override
  public void vertexCached(Digest vertex, String name) {
    synchronized (steps) {
      steps.get(vertex, name).cached = true;
    }
  }

  @Override
  public void vertexCompleted(Digest vertex, String name) {
    synchronized (steps) {
      steps.get(vertex, name).ended = clock.nanos();
    }
  }

  @Override
  public void vertexFailed(Digest vertex, String name, String message) {
    synchronized (steps) {
      Steps.Step s = steps.get(vertex, name);
      s.ended = clock.nanos();
      s.error = message;
    }
  }

  @Override
  public void bytes(Digest vertex, String id, long current, long total) {
    synchronized (steps) {
      steps.get(vertex, null).transfers.put(id, new long[] {current, total});
    }
  }

  @Override
  public void log(Digest vertex, LogStream stream, String line) {
    synchronized (steps) {
      List<String> logs = steps.get(vertex, null).logs;
      logs.add(line);
      if (logs.size() > Steps.LOG_TAIL) {
        logs.remove(0);
      }
    }
  }

  /**
   * Erases the live view, prints the line where it began, and draws the view again below it: text
   * printed while the view is live would otherwise land below it and leave the frame it moved away
   * from stale on the screen.
   */
  @Override
  public void notice(String line) {
    synchronized (steps) {
      if (finished) {
        // the final frame stays; what comes after it goes below
        out.println(line);
        out.flush();
        return;
      }
      StringBuilder b = new StringBuilder();
      if (drawnLines > 0) {
        b.append("\033[").append(drawnLines).append('A');
      }
      b.append("\r\033[J").append(line).append('\n');
      out.print(b);
      drawnLines = 0;
      draw(render(clock.nanos(), "", Math.max(3, height - 2)));
    }
  }

  @Override
  public void finish(boolean success) {
    ticker.shutdownNow();
    synchronized (steps) {
      if (finished) {
        return;
      }
      finished = true;
      List<String> lines = render(clock.nanos(), success ? "FINISHED" : "ERROR", Integer.MAX_VALUE);
      draw(lines);
      out.flush();
    }
  }

  @Override
  public void close() {
    finish(false);
  }

  /** Draws the current frame (the ticker's job; tests call it to draw at chosen moments). */
  void redraw() {
    synchronized (steps) {
      if (!finished) {
        draw(render(clock.nanos(), "", Math.max(3, height - 2)));
      }
    }
  }

  private void draw(List<String> lines) {
    StringBuilder b = new StringBuilder();
    if (drawnLines > 0) {
      b.append("\033[").append(drawnLines).append('A');
    }
    for (String line : lines) {
      b.append("\r\033[2K").append(cut(line)).append('\n');
    }
    // Clear what the previous, longer frame left below.
    b.append("\033[J");
    out.print(b);
    out.flush();
    drawnLines = lines.size();
  }

  /** The frame: header and step lines, at most {@code maxLines} (running steps kept first). */
  List<String> render(long now, String state, int maxLines) {
    List<Steps.Step> all = steps.all();
    String header =
        String.format(
            Locale.ROOT,
            "[+] Building %.1fs (%d/%d)%s",
            (now - begin) / 1e9,
            steps.doneCount(),
            steps.count(),
            state.isEmpty() ? "" : " " + state);
    List<String> body = new ArrayList<>();
    for (Steps.Step s : all) {
      body.addAll(stepLines(s, now));
    }
    if (body.size() > maxLines - 1) {
      body = body.subList(body.size() - (maxLines - 1), body.size());
    }
    List<String> lines = new ArrayList<>(body.size() + 1);
    lines.add(header);
    lines.addAll(body);
    return lines;
  }

  private List<String> stepLines(Steps.Step s, long now) {
    List<String> lines = new ArrayList<>();
    String prefix = s.cached ? "CACHED " : s.error != null ? "ERROR " : "";
    String timer = String.format(Locale.ROOT, "%.1fs", s.seconds(now));
    String title = " => " + prefix + s.name;
    lines.add(pad(title, timer));
    for (var e : s.transfers.entrySet()) {
      long[] v = e.getValue();
      String amount = v[1] >= 0 ? Steps.size(v[0]) + " / " + Steps.size(v[1]) : Steps.size(v[0]);
      lines.add(" => => " + PlainDisplay.shortId(e.getKey()) + " " + amount);
    }
    if (!s.done() || s.error != null) {
      for (String log : s.logs) {
        lines.add(" => => # " + log);
      }
    }
    return lines;
  }

  private String pad(String title, String timer) {
    int space = width - 1 - title.length() - timer.length();
    if (space < 1) {
      int keep = Math.max(10, width - 2 - timer.length() - 1);
      title = title.length() > keep ? title.substring(0, keep) : title;
      space = 1;
    }
    return title + " ".repeat(space) + timer;
  }

  private String cut(String line) {
    return line.length() >= width ? line.substring(0, width - 1) : line;
  }
}
