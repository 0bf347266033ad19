package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.BusyboxContext;
import dev.kiln.testsupport.ProcessResult;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.Tools;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same build from clean roots gives the same image digests whether kiln (the shaded jar, as a
 * user runs it) may use one core ({@code taskset -c 0}) or all of them: gzip and zstd outputs of a
 * build with a RUN and layers of several MiB mixing text and random bytes, under {@code
 * SOURCE_DATE_EPOCH}, with both snapshotters.
 */
class CoresReproducibleIT {

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void build_oneCoreOrAll_sameImageDigests(String snapshotter) throws Exception {
    Tools.require("runc");
    Tools.require("taskset");
    Path context = BusyboxContext.create(tmp.resolve("ctx"));
    writeMixed(context.resolve("data.bin"), 12 << 20);
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM scratch\nCOPY . /\nRUN seq 1 400000 > /nums && head -c 3000000 /data.bin > /part\n");

    List<String> one = build(snapshotter, context, "one", true);
    List<String> all = build(snapshotter, context, "all", false);

    assertThat(one).hasSize(2);
    assertThat(all).isEqualTo(one);
  }

  /** Builds into a fresh root; returns the index.json of the gzip and the zstd output. */
  private List<String> build(String snapshotter, Path context, String name, boolean oneCore)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    if (oneCore) {
      cmd.addAll(List.of("taskset", "-c", "0"));
    }
    Path gzip = tmp.resolve(name + "-gzip");
    Path zstd = tmp.resolve(name + "-zstd");
    cmd.addAll(
        List.of(
            "env",
            "SOURCE_DATE_EPOCH=1700000000",
            "java",
            "-jar",
            Path.of("target/kiln.jar").toAbsolutePath().toString(),
            "build",
            "--root",
            tmp.resolve(name + "-root").toString(),
            "--progress=plain",
            "--snapshotter=" + snapshotter,
            "-o",
            "type=oci,tar=false,dest=" + gzip,
            "-o",
            "type=oci,tar=false,compression=zstd,dest=" + zstd,
            context.toString()));
    ProcessResult r =
        ProcessRunner.of(cmd.toArray(String[]::new))
            .timeout(Duration.ofMinutes(5))
            .run()
            .assertSuccess();
    assertThat(r.exitCode()).isZero();
    return List.of(
        Files.readString(gzip.resolve("index.json")), Files.readString(zstd.resolve("index.json")));
  }

  /** {@code size} bytes alternating 64 KiB of text and 64 KiB of seeded random bytes. */
  private static void writeMixed(Path file, int size) throws IOException {
    Random random = new Random(8);
    byte[] block = new byte[64 << 10];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int written = 0, i = 0; written < size; written += block.length, i++) {
        if (i % 2 == 0) {
          StringBuilder sb = new StringBuilder();
          while (sb.length() < block.length) {
            sb.append("line ").append(sb.length()).append(" of some compressible text\n");
          }
          System.arraycopy(
              sb.toString().getBytes(StandardCharsets.US_ASCII), 0, block, 0, block.length);
        } else {
          random.nextBytes(block);
        }
        out.write(block);
      }
    }
  }
}
