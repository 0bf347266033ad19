package dev.kiln.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalSizeTest {

  @TempDir Path tmp;

  @Test
  void parse_sttyOutput_rowsThenColumns() {
    assertThat(TerminalSize.parse("24 80\n")).isEqualTo(new TerminalSize(80, 24));
    assertThat(TerminalSize.parse("0 0")).isNull();
    assertThat(TerminalSize.parse("stty: not a tty")).isNull();
  }

  @Test
  void detect_noTerminal_environmentThenDefault() {
    File none = tmp.resolve("no-tty").toFile();

    assertThat(TerminalSize.detect(none, Map.of("COLUMNS", "132", "LINES", "50")))
        .isEqualTo(new TerminalSize(132, 50));
    assertThat(TerminalSize.detect(none, Map.of("COLUMNS", "132")))
        .isEqualTo(new TerminalSize(132, 24));
    assertThat(TerminalSize.detect(none, Map.of("COLUMNS", "x"))).isEqualTo(TerminalSize.DEFAULT);
  }

  @Test
  void ask_fileThatIsNoTerminal_null() throws Exception {
    File notATty = java.nio.file.Files.writeString(tmp.resolve("f"), "x").toFile();

    assertThat(TerminalSize.ask(notATty)).isNull();
  }
}
