package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build contexts that are not a directory, through {@code kiln build}: a tar archive on standard
 * input ({@code -}) or as a file, plain or compressed with gzip, bzip2, xz or zstd (recognised by
 * content); a Dockerfile on standard input with an empty context. The images are compared with
 * dockerd's builder fed the same archive on standard input.
 */
class BuildInputsIT extends BusyboxRegistry.Fixture {

  @TempDir Path tmp;
  Path root;
  Path context;

  @BeforeAll
  static void requireTools() {
    Tools.require("runc");
    for (String tool : List.of("tar", "gzip", "bzip2", "xz", "zstd")) {
      Tools.require(tool);
    }
  }

  @BeforeEach
  void dirs() throws Exception {
    root = tmp.resolve("root");
    context = Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        ARG BASE
        FROM ${BASE}
        COPY app /app
        RUN cat /app/hello.txt > /copied && ls /app > /listing
        """);
    Files.createDirectories(context.resolve("app/sub"));
    Files.writeString(context.resolve("app/hello.txt"), "hello from the archive\n");
    Files.writeString(context.resolve("app/sub/deep.txt"), "deep\n");
    Files.createDirectories(context.resolve("other"));
    Files.writeString(
        context.resolve("other/Dockerfile.alt"), "ARG BASE\nFROM ${BASE}\nCOPY app/sub /sub\n");
  }

  private static void ok(String... cmd) {
    ProcessRunner.of(cmd).timeout(Duration.ofMinutes(2)).run().assertSuccess();
  }

  /** {@code tar} of the context, then compressed copies; file name → archive. */
  private List<Path> archives() throws Exception {
    Path plain = tmp.resolve("ctx.tar");
    ok("tar", "-cf", plain.toString(), "-C", context.toString(), ".");
    List<Path> out = new ArrayList<>(List.of(plain));
    for (String[] c :
        List.of(
            new String[] {"gzip", "gz"},
            new String[] {"bzip2", "bz2"},
            new String[] {"xz", "xz"},
            new String[] {"zstd", "zst"})) {
      Path target = tmp.resolve("ctx.tar." + c[1]);
      ProcessRunner.of("sh", "-c", c[0] + " -c " + plain + " > " + target)
          .timeout(Duration.ofMinutes(1))
          .run()
          .assertSuccess();
      out.add(target);
    }
    return out;
  }

  private ImageTree kiln(byte[] stdin, String... args) throws Exception {
    Path oci = tmp.resolve("kiln-" + UUID.randomUUID() + ".tar");
    List<String> all =
        new ArrayList<>(
            List.of("build", "--root", root.toString(), "--progress=plain", "--build-arg"));
    all.add("BASE=" + base);
    all.addAll(List.of(args));
    all.add(1, "-o");
    all.add(2, "type=oci,dest=" + oci);
    Kiln.Run r = Kiln.runWithStdin(tmp, Map.of(), stdin, all.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return ImageTree.ofOciTar(oci);
  }

  private ImageTree docker(Path archiveOnStdin) throws Exception {
    String tag = "kiln-inputs-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      ProcessRunner.of(
              "sh",
              "-c",
              "DOCKER_BUILDKIT=1 "
                  + DockerParityIT.DEBIAN_DOCKER
                  + " build -q --network none --build-arg BASE="
                  + base
                  + " -t "
                  + tag
                  + " - < "
                  + archiveOnStdin)
          .timeout(Duration.ofMinutes(5))
          .run()
          .assertSuccess();
      Path saved = tmp.resolve(tag + ".tar");
      ok("docker", "save", "-o", saved.toString(), tag);
      return ImageTree.ofDockerSave(saved);
    } finally {
      ProcessRunner.of("docker", "rmi", "-f", tag).run();
    }
  }

  @Test
  void contextArchiveOnStdin_everyCompression_sameImageAsDockersBuilder() throws Exception {
    List<Path> archives = archives();
    ImageTree reference = docker(tmp.resolve("ctx.tar.gz"));
    for (Path archive : archives) {
      ImageTree image = kiln(Files.readAllBytes(archive), "-");
      assertThat(image.entries())
          .as(archive.getFileName().toString())
          .isEqualTo(reference.entries());
      assertThat(image.text("copied")).isEqualTo("hello from the archive\n");
      assertThat(image.text("listing")).isEqualTo("hello.txt\nsub\n");
    }
    assertThat(Files.list(root.resolve("inputs"))).as("extracted contexts removed").isEmpty();
  }

  @Test
  void contextArchiveFile_withDockerfileInsideNamedByF() throws Exception {
    archives();
    ImageTree image =
        kiln(new byte[0], "-f", "other/Dockerfile.alt", tmp.resolve("ctx.tar.xz").toString());
    assertThat(image.text("sub/deep.txt")).isEqualTo("deep\n");
    assertThat(image.entries()).doesNotContainKey("copied");
  }

  @Test
  void dockerfileOnStdin_emptyContext() throws Exception {
    byte[] dockerfile =
        "ARG BASE\nFROM ${BASE}\nRUN echo from-stdin > /made\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ImageTree image = kiln(dockerfile, "-");
    assertThat(image.text("made")).isEqualTo("from-stdin\n");
  }

  @Test
  void fileThatIsNoArchive_oneClearError() throws Exception {
    Path notTar = Files.writeString(tmp.resolve("notes.txt"), "just text\n");
    Kiln.Run r = Kiln.run(tmp, Map.of(), "build", "--root", root.toString(), notTar.toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.errors())
        .singleElement()
        .asString()
        .contains("build context " + notTar + " is neither a directory nor a tar archive");
  }
}
