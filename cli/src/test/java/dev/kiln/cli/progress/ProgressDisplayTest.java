package dev.kiln.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.port.ProgressListener.LogStream;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The four progress displays, driven with a fake clock. */
class ProgressDisplayTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Digest copy = Digests.sha256("copy");
  private final Digest run = Digests.sha256("run");

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private void script(ProgressDisplay d) {
    d.vertexCached(copy, "[2/3] COPY a /a");
    d.vertexStarted(run, "[3/3] RUN make");
    now.addAndGet(250_000_000L);
    d.log(run, LogStream.STDOUT, "compiling");
    d.bytes(run, "sha256:0123456789abcdef0123", 2_000_000, 2_000_000);
    now.addAndGet(1_000_000_000L);
    d.vertexCompleted(run, "[3/3] RUN make");
    d.finish(true);
  }

  @Test
  void plain_printsBuildKitStyleLines() {
    script(ProgressDisplay.create(ProgressMode.PLAIN, out, now::get, Map.of()));

    assertThat(output().lines().toList())
        .containsExactly(
            "#1 [2/3] COPY a /a",
            "#1 CACHED",
            "",
            "#2 [3/3] RUN make",
            "#2 0.250 compiling",
            "#2 sha256:0123456789ab 2.00MB done",
            "#2 DONE 1.3s");
  }

  @Test
  void plain_failure_printsTheError() {
    ProgressDisplay d = ProgressDisplay.create(ProgressMode.PLAIN, out, now::get, Map.of());
    d.vertexStarted(run, "[3/3] RUN make");
    d.vertexFailed(run, "[3/3] RUN make", "exit code: 2");
    d.close();
    assertThat(output()).endsWith("#1 ERROR: exit code: 2\n");
  }

  @Test
  void rawjson_oneSolveStatusObjectPerEvent() throws Exception {
    script(ProgressDisplay.create(ProgressMode.RAWJSON, out, now::get, Map.of()));

    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : output().lines().toList()) {
      events.add(json.readTree(line));
    }
    assertThat(events).hasSize(5);
    JsonNode cached = events.get(0).path("vertexes").get(0);
    assertThat(cached.path("digest").asText()).isEqualTo(copy.toString());
    assertThat(cached.path("cached").asBoolean()).isTrue();
    JsonNode log = events.get(2).path("logs").get(0);
    assertThat(log.path("stream").asInt()).isEqualTo(1);
    assertThat(
            new String(
                Base64.getDecoder().decode(log.path("data").asText()), StandardCharsets.UTF_8))
        .isEqualTo("compiling\n");
    assertThat(events.get(3).path("statuses").get(0).path("total").asLong()).isEqualTo(2_000_000);
    assertThat(events.get(4).path("vertexes").get(0).has("completed")).isTrue();
  }

  @Test
  void quiet_printsNothing() {
    script(ProgressDisplay.create(ProgressMode.QUIET, out, now::get, Map.of()));
    assertThat(output()).isEmpty();
  }

  @Test
  void tty_finalFrameListsStepsWithTimersAndCachedMarkers() {
    script(new TtyDisplay(out, now::get, new TerminalSize(100, 30)));

    String plain = output().replaceAll("\033\\[[0-9]*[A-Za-z]", "").replace("\r", "");
    List<String> last = plain.lines().filter(l -> !l.isBlank()).toList();
    assertThat(last.get(last.size() - 4)).isEqualTo("[+] Building 1.3s (2/2) FINISHED");
    assertThat(last.get(last.size() - 3)).startsWith(" => CACHED [2/3] COPY a /a").endsWith("0.0s");
    assertThat(last.get(last.size() - 2)).startsWith(" => [3/3] RUN make").endsWith("1.3s");
    assertThat(last.get(last.size() - 1)).contains("2.00MB / 2.00MB");
  }

  @Test
  void tty_runningStepShowsItsLastOutputLines() {
    TtyDisplay d = new TtyDisplay(out, now::get, new TerminalSize(100, 30));
    try {
      d.vertexStarted(run, "[3/3] RUN make");
      for (int i = 0; i < 10; i++) {
        d.log(run, LogStream.STDERR, "line " + i);
      }
      List<String> frame = d.render(now.get(), "", 100);
      assertThat(frame).contains(" => => # line 9").doesNotContain(" => => # line 3");
      assertThat(d.render(now.get(), "", 3)).hasSize(3);
    } finally {
      d.finish(false);
    }
  }

  /** Long step names and several redraws on a small terminal, then the final frame. */
  private void drawOnSmallTerminal(TtyDisplay d, int steps) {
    for (int i = 0; i < steps; i++) {
      Digest v = Digests.sha256("step" + i);
      d.vertexStarted(v, "[" + i + "/12] RUN a long command line that is wider than the terminal");
      now.addAndGet(100_000_000L);
      d.redraw();
      d.vertexCompleted(
          v, "[" + i + "/12] RUN a long command line that is wider than the terminal");
      d.redraw();
    }
    d.finish(true);
  }

  @Test
  void tty_smallTerminal_leavesOnlyTheLastFrameOnScreen() {
    drawOnSmallTerminal(new TtyDisplay(out, now::get, new TerminalSize(40, 16)), 12);

    Screen screen = new Screen(40, 16);
    screen.feed(output());
    List<String> shown = screen.lines().stream().filter(l -> !l.isBlank()).toList();
    assertThat(shown).hasSize(13).first().isEqualTo("[+] Building 1.2s (12/12) FINISHED");
    assertThat(shown.subList(1, 13))
        .allSatisfy(l -> assertThat(l).startsWith(" => [").hasSizeLessThan(40));
  }

  @Test
  void tty_sizeLargerThanTheRealTerminal_leavesStaleLinesAboveTheLastFrame() {
    // what happened when the size came from unset COLUMNS/LINES (100x30) on a 40x16 terminal
    drawOnSmallTerminal(new TtyDisplay(out, now::get, new TerminalSize(100, 30)), 4);

    Screen screen = new Screen(40, 16);
    screen.feed(output());
    List<String> shown = screen.lines().stream().filter(l -> !l.isBlank()).toList();
    assertThat(shown).contains("[+] Building 0.4s (4/4) FINISHED");
    assertThat(shown.get(0)).isNotEqualTo("[+] Building 0.4s (4/4) FINISHED");
  }

  @Test
  void tty_noticeWhileLive_printedAboveTheViewWhichStaysWhole() {
    TtyDisplay d = new TtyDisplay(out, now::get, new TerminalSize(40, 16));
    d.vertexStarted(copy, "[1/2] COPY a /a");
    d.redraw();
    d.redraw();
    d.notice("WARNING: No output specified.");
    d.vertexCompleted(copy, "[1/2] COPY a /a");
    d.redraw();
    d.finish(true);
    d.notice("WARNING: after the end");

    Screen screen = new Screen(40, 16);
    screen.feed(output());
    List<String> shown = screen.lines().stream().filter(l -> !l.isBlank()).toList();
    assertThat(shown).hasSize(4);
    assertThat(shown.get(0)).isEqualTo("WARNING: No output specified.");
    assertThat(shown.get(1)).startsWith("[+] Building").endsWith("FINISHED");
    assertThat(shown.get(2)).startsWith(" => [1/2] COPY a /a");
    assertThat(shown.get(3)).isEqualTo("WARNING: after the end");
  }

  @Test
  void notice_plainAndQuietPrintIt_rawjsonLeavesItOut() throws Exception {
    ProgressDisplay plain = ProgressDisplay.create(ProgressMode.PLAIN, out, now::get, Map.of());
    plain.vertexStarted(copy, "[2/3] COPY a /a");
    plain.notice("WARNING: one");
    plain.log(copy, LogStream.STDOUT, "x");
    ProgressDisplay.create(ProgressMode.QUIET, out, now::get, Map.of()).notice("WARNING: two");

    assertThat(output().lines().toList())
        .containsExactly(
            "#1 [2/3] COPY a /a",
            "WARNING: one",
            "#1 [2/3] COPY a /a",
            "#1 0.000 x",
            "WARNING: two");

    bytes.reset();
    ProgressDisplay raw = ProgressDisplay.create(ProgressMode.RAWJSON, out, now::get, Map.of());
    raw.vertexStarted(copy, "[2/3] COPY a /a");
    raw.notice("WARNING: three");
    raw.finish(true);
    for (String line : output().lines().toList()) {
      assertThat(new ObjectMapper().readTree(line).has("vertexes")).as(line).isTrue();
    }
  }

  @Test
  void mode_parseAndResolve() {
    assertThat(ProgressMode.parse("rawjson")).isEqualTo(ProgressMode.RAWJSON);
    assertThat(ProgressMode.AUTO.resolve(true)).isEqualTo(ProgressMode.TTY);
    assertThat(ProgressMode.AUTO.resolve(false)).isEqualTo(ProgressMode.PLAIN);
    assertThat(ProgressMode.QUIET.resolve(true)).isEqualTo(ProgressMode.QUIET);
    assertThatThrownBy(() -> ProgressMode.parse("TTY")).hasMessageContaining("auto, plain");
  }
}
