package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.oci.Digests;
import dev.kiln.testsupport.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same context and {@code .dockerignore} built by kiln and by docker's own builder ({@code
 * DOCKER_BUILDKIT=1 docker build}, dockerd 20.10), both writing a local output: what COPY sees of
 * the context and what a {@code RUN --mount} of the context lists must be identical (paths, types,
 * modes, contents). Wildcard exceptions ({@code !**}{@code /*.md}) are not compared: dockerd
 * 20.10's client prunes the excluded directories that current BuildKit walks ({@link
 * KilnDockerignoreTest#build_wildcardException_reincludesBelowExcludedDirectories}).
 */
class DockerignoreParityIT extends BusyboxRegistry.Fixture {

  static final String DOCKERFILE =
      """
      ARG BASE
      FROM ${BASE} AS run
      RUN --mount=target=/c cd /c && find . | sort > /list.txt
      FROM scratch
      COPY --from=run /list.txt /
      COPY . /ctx/
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void requireDocker() {
    assertThat(Path.of(DockerParityIT.DEBIAN_DOCKER))
        .as("install Debian's docker.io")
        .isExecutable();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "*\n!src\n",
        "**/x\na/**/b\n*.log\n!src/x.log\nbuild\n!build/keep/me.txt\nnode_modules\n",
        "*.md\n!README*.md\nREADME-secret.md\n",
        "# comment\n/docs/../docs\n!docs/guide.md\n  deep  \n\n",
        "a/*\n!a/keep\n[b-d]*\n!build\nbuild/out.jar\n",
        "Dockerfile\n.dockerignore\nempty\n?.log\n",
      })
  void dockerignore_sameContextAsDockersBuilder(String dockerignore) throws Exception {
    Path context = tmp.resolve("ctx");
    KilnDockerignoreTest.write(context, KilnDockerignoreTest.TREE);
    Files.setAttribute(context.resolve("build"), "unix:mode", 0750);
    Files.setAttribute(context.resolve("src/x.log"), "unix:mode", 0600);
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    Files.writeString(context.resolve(".dockerignore"), dockerignore);

    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of(),
            "build",
            "--root=" + tmp.resolve("root"),
            "--progress=plain",
            "--build-arg",
            "BASE=" + base,
            "-o",
            "type=local,dest=" + tmp.resolve("kiln"),
            context.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    ProcessRunner.of(
            DockerParityIT.DEBIAN_DOCKER,
            "build",
            "--network",
            "none",
            "--build-arg",
            "BASE=" + base,
            "-o",
            "type=local,dest=" + tmp.resolve("docker"),
            context.toString())
        .env("DOCKER_BUILDKIT", "1")
        .timeout(Duration.ofMinutes(5))
        .run()
        .assertSuccess();

    Map<String, String> kiln = tree(tmp.resolve("kiln"));
    assertThat(kiln).isEqualTo(tree(tmp.resolve("docker")));
    // the RUN step's mount saw exactly what COPY copied
    List<String> copied = new ArrayList<>(List.of("."));
    kiln.keySet().stream()
        .filter(k -> k.startsWith("ctx/"))
        .forEach(k -> copied.add("./" + k.substring(4)));
    assertThat(Files.readAllLines(tmp.resolve("kiln/list.txt")))
        .containsExactlyInAnyOrderElementsOf(copied)
        .hasSizeGreaterThan(3);
  }

  /** Path → "type mode content-digest" of every entry below {@code dir}. */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(dir)) {
          continue;
        }
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        String what =
            Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                ? "dir"
                : "file " + Digests.sha256(Files.readAllBytes(p)).hex().substring(0, 16);
        out.put(dir.relativize(p).toString(), what + String.format(" %04o", mode & 07777));
      }
    }
    return out;
  }
}
