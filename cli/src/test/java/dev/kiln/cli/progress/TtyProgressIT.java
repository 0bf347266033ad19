package dev.kiln.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.ProcessResult;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher jar with {@code --progress=tty} on a real pseudo-terminal ({@code script}) of 50x30
 * with neither {@code COLUMNS} nor {@code LINES} exported, as in a login shell: the view must ask
 * the terminal its size, so that when the build ends only the last frame is on the screen.
 */
class TtyProgressIT {

  @TempDir Path tmp;

  @Test
  void launcherJar_ttyProgressOnSmallTerminal_onlyTheLastFrameRemains() throws Exception {
    Tools.require("script");
    Path jar = Path.of("target/kiln.jar").toAbsolutePath();
    Path example = Path.of("../examples/hello").toAbsolutePath().normalize();
    Path typescript = tmp.resolve("typescript");
    String command =
        "stty cols 50 rows 30 && unset COLUMNS LINES && exec java -jar "
            + jar
            + " build --root="
            + tmp.resolve("root")
            + " --progress=tty -o type=local,dest="
            + tmp.resolve("out")
            + " "
            + example;

    ProcessResult r =
        ProcessRunner.of("script", "-q", "-e", "-c", command, typescript.toString())
            .timeout(Duration.ofMinutes(3))
            .run();

    String raw = Files.readString(typescript, StandardCharsets.UTF_8);
    assertThat(r.exitCode()).as(raw).isZero();
    // script(1) frames the session with "Script started/done" lines of its own
    String session = raw.substring(raw.indexOf('\n') + 1);
    int done = session.lastIndexOf("\nScript done");
    Screen screen = new Screen(50, 30);
    screen.feed(done >= 0 ? session.substring(0, done) : session);
    List<String> shown = screen.lines().stream().filter(l -> !l.isBlank()).toList();
    assertThat(shown).as(raw).isNotEmpty();
    assertThat(shown.get(0)).as(String.join("\n", shown)).matches("\\[\\+] Building .* FINISHED");
    assertThat(shown.stream().filter(l -> l.startsWith("[+] Building"))).hasSize(1);
    assertThat(shown).allSatisfy(l -> assertThat(l).hasSizeLessThan(50));
  }
}
