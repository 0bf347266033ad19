package dev.kiln.solver.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputPumpTest {

  private static ByteArrayInputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void pump_linesOfBothStreams_deliveredAndTailBounded() throws Exception {
    CollectingListener l = new CollectingListener();
    OutputPump pump = new OutputPump(l, 3);
    pump.start(in("a\nb\r\nc\nd\nno-newline"), OutputListener.Stream.STDOUT, "t-out");
    pump.join();
    pump.start(in("err\n"), OutputListener.Stream.STDERR, "t-err");
    pump.join();
    assertThat(l.stdout()).containsExactly("a", "b", "c", "d", "no-newline");
    assertThat(l.stderr()).containsExactly("err");
    assertThat(pump.tail()).containsExactly("d", "no-newline", "err");
  }

  @Test
  void pump_overlongLine_cutIntoPieces() throws Exception {
    CollectingListener l = new CollectingListener();
    OutputPump pump = new OutputPump(l, 10);
    pump.start(in("x".repeat(OutputPump.MAX_LINE + 5) + "\n"), OutputListener.Stream.STDOUT, "t");
    pump.join();
    assertThat(l.stdout()).hasSize(2);
    assertThat(l.stdout().get(0)).hasSize(OutputPump.MAX_LINE);
    assertThat(l.stdout().get(1)).isEqualTo("xxxxx");
  }

  @Test
  void pump_throwingListener_keepsDraining() throws Exception {
    OutputPump pump =
        new OutputPump(
            (s, line) -> {
              throw new IllegalStateException("sink broken");
            },
            5);
    pump.start(in("1\n2\n"), OutputListener.Stream.STDOUT, "t");
    pump.join();
    assertThat(pump.tail()).containsExactly("1", "2");
  }
}
