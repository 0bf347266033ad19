package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testsupport.ProcessResult;
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
 * {@code kiln build} end to end against a real registry: a busybox base image built by kiln from
 * Debian's busybox-static and pushed, then a multi-stage app on it (FROM scratch, FROM the base,
 * COPY --from, ARG/ENV, WORKDIR, LABEL, .dockerignore), read back by docker and skopeo.
 */
class KilnRegistryIT extends BusyboxRegistry.Fixture {

  static final String APP_DOCKERFILE =
      """
      ARG BASE
      FROM scratch AS assets
      ARG VERSION=1.0
      COPY app/ /assets/
      COPY <<EOF /assets/version.txt
      version ${VERSION}
      EOF

      FROM ${BASE}
      ARG GREETING=hello
      ENV GREETING=${GREETING} APP=/srv/app
      LABEL org.example.role=e2e org.example.greeting=${GREETING}
      WORKDIR $APP
      COPY --from=assets /assets/ ./
      COPY message.txt ./
      CMD ["cat", "/srv/app/message.txt"]
      """;

  @TempDir Path tmp;
  Path context;
  Path root;

  @BeforeAll
  static void requireTools() {
    Tools.require("skopeo");
  }

  @BeforeEach
  void writeContext() throws Exception {
    context = Files.createDirectories(tmp.resolve("app"));
    root = tmp.resolve("root");
    Files.writeString(context.resolve("Dockerfile"), APP_DOCKERFILE);
    Files.createDirectories(context.resolve("app/conf"));
    Files.writeString(context.resolve("app/conf/app.conf"), "mode=e2e\n");
    Files.writeString(context.resolve("message.txt"), "hello from a kiln-built image\n");
    Files.writeString(context.resolve("secret.txt"), "must not be in the image\n");
    Files.writeString(context.resolve(".dockerignore"), "secret.txt\n");
  }

  private Kiln.Run build(String... extra) {
    List<String> args = new ArrayList<>(List.of("build", "--root", root.toString()));
    args.add("--progress=plain");
    args.add("--build-arg");
    args.add("BASE=" + base);
    args.addAll(List.of(extra));
    args.add(context.toString());
    return Kiln.run(tmp, Map.of(), args.toArray(String[]::new));
  }

  private static ProcessResult run(String... cmd) {
    return ProcessRunner.of(cmd).timeout(Duration.ofMinutes(3)).run();
  }

  private static String ok(String... cmd) {
    return run(cmd).assertSuccess().stdout();
  }

  private static String tag() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void push_dockerPullsAndRunsTheImage() {
    String ref = host + "/kiln-it/app:" + tag();
    Kiln.Run r = build("-t", ref, "--push", "--build-arg", "GREETING=hi");
    assertThat(r.exitCode()).as(r.err()).isZero();
    try {
      ok("docker", "pull", ref);
      assertThat(ok("docker", "run", "--rm", "--network=none", ref))
          .isEqualTo("hello from a kiln-built image\n");
      String sh =
          ok(
              "docker",
              "run",
              "--rm",
              "--network=none",
              ref,
              "sh",
              "-c",
              "echo $GREETING; pwd; cat version.txt conf/app.conf; ls /srv/app");
      assertThat(sh.lines().toList())
          .containsExactly(
              "hi", "/srv/app", "version 1.0", "mode=e2e", "conf", "message.txt", "version.txt");
    } finally {
      run("docker", "rmi", "-f", ref);
    }
  }

  @Test
  void skopeoInspect_showsTheConfig() throws Exception {
    String ref = host + "/kiln-it/app:" + tag();
    assertThat(build("-t", ref, "--push").exitCode()).isZero();

    JsonNode config =
        new ObjectMapper()
            .readTree(ok("skopeo", "inspect", "--config", "--tls-verify=false", "docker://" + ref))
            .path("config");

    assertThat(config.path("WorkingDir").asText()).isEqualTo("/srv/app");
    assertThat(config.path("Env").toString()).contains("GREETING=hello").contains("APP=/srv/app");
    assertThat(config.path("Env").toString()).contains("PATH=/usr/local/sbin");
    assertThat(config.path("Labels").path("org.example.role").asText()).isEqualTo("e2e");
    assertThat(config.path("Labels").path("org.example.greeting").asText()).isEqualTo("hello");
    assertThat(config.path("Cmd").toString()).isEqualTo("[\"cat\",\"/srv/app/message.txt\"]");
  }

  @Test
  void dockerOutput_loadsWithDockerLoadAndRuns() {
    String name = "kiln-it/loaded:" + tag();
    Path tar = tmp.resolve("image.tar");
    Kiln.Run r = build("-o", "type=docker,dest=" + tar + ",name=" + name);
    assertThat(r.exitCode()).as(r.err()).isZero();
    try {
      assertThat(ok("docker", "load", "-i", tar.toString())).contains(name);
      assertThat(ok("docker", "run", "--rm", "--network=none", name))
          .isEqualTo("hello from a kiln-built image\n");
      assertThat(
              run("docker", "run", "--rm", "--network=none", name, "ls", "secret.txt").exitCode())
          .isNotZero();
    } finally {
      run("docker", "rmi", "-f", name);
    }
  }

  @Test
  void pushZstd_newLayersZstdBaseLayersKept_readableByTheReferenceDecoder() throws Exception {
    Tools.require("zstd");
    String ref = host + "/kiln-it/zstd:" + tag();
    Kiln.Run r = build("-o", "type=image,push=true,compression=zstd,name=" + ref);
    assertThat(r.exitCode()).as(r.err()).isZero();

    // dockerd 20.10 cannot pull zstd layers; skopeo copies (verifying digests) and Debian's
    // zstd decompresses each layer, whose sha256 must be the config's diff ID.
    Path copy = tmp.resolve("copy");
    ok("skopeo", "copy", "--src-tls-verify=false", "docker://" + ref, "oci:" + copy + ":x");
    ObjectMapper json = new ObjectMapper();
    JsonNode index = json.readTree(copy.resolve("index.json").toFile());
    JsonNode manifest = json.readTree(blob(copy, index.path("manifests").get(0)).toFile());
    JsonNode config = json.readTree(blob(copy, manifest.path("config")).toFile());
    JsonNode layers = manifest.path("layers");
    assertThat(layers.get(0).path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
    for (int i = 1; i < layers.size(); i++) {
      assertThat(layers.get(i).path("mediaType").asText())
          .isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
      String sum =
          ok("sh", "-c", "zstd -dc '" + blob(copy, layers.get(i)) + "' | sha256sum").split(" ")[0];
      assertThat("sha256:" + sum).isEqualTo(config.path("rootfs").path("diff_ids").get(i).asText());
    }
    assertThat(layers.size()).isGreaterThan(1);
  }

  @Test
  void pushGzip_skopeoDecompressesEveryLayerToItsDiffId() throws Exception {
    // The base layer holds busybox (~2 MB): many blocks of kiln's parallel gzip in one member.
    // skopeo inflates with Go's compress/flate (through pgzip) and names each file by its digest.
    String ref = host + "/kiln-it/gzip:" + tag();
    Kiln.Run r = build("-t", ref, "--push");
    assertThat(r.exitCode()).as(r.err()).isZero();

    Path dir = tmp.resolve("plain");
    ok(
        "skopeo",
        "copy",
        "--src-tls-verify=false",
        "--dest-decompress",
        "docker://" + ref,
        "dir:" + dir);
    ObjectMapper json = new ObjectMapper();
    JsonNode manifest = json.readTree(dir.resolve("manifest.json").toFile());
    String configHex = manifest.path("config").path("digest").asText().substring(7);
    JsonNode diffIds =
        json.readTree(dir.resolve(configHex).toFile()).path("rootfs").path("diff_ids");
    assertThat(diffIds.size()).isGreaterThan(1);
    long largest = 0;
    for (JsonNode diffId : diffIds) {
      Path layer = dir.resolve(diffId.asText().substring(7));
      assertThat(dev.kiln.oci.Digests.sha256(layer).digest().toString()).isEqualTo(diffId.asText());
      largest = Math.max(largest, Files.size(layer));
    }
    assertThat(largest).isGreaterThan(1 << 20);
  }

  private static Path blob(Path layout, JsonNode descriptor) {
    String digest = descriptor.path("digest").asText();
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  @Test
  void load_putsTheTaggedImageIntoDocker() {
    String name = "kiln-it/load:" + tag();
    Kiln.Run r = build("--load", "-t", name);
    assertThat(r.exitCode()).as(r.err()).isZero();
    try {
      assertThat(ok("docker", "run", "--rm", "--network=none", name))
          .isEqualTo("hello from a kiln-built image\n");
      assertThat(r.steps()).containsEntry("exporting to docker image store", "DONE");
    } finally {
      run("docker", "rmi", "-f", name);
    }
  }

  @Test
  void secondBuild_reportsEveryStepCachedAndRunsNothing() {
    Kiln.Run first = build("-o", "type=oci,dest=" + tmp.resolve("a.tar"));
    Kiln.Run second = build("-o", "type=oci,dest=" + tmp.resolve("b.tar"));

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.executed()).isNotEmpty();
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.executed()).isEmpty();
    assertThat(second.steps().entrySet())
        .filteredOn(e -> e.getKey().startsWith("["))
        .filteredOn(e -> !e.getKey().startsWith("[internal] load metadata"))
        .filteredOn(e -> !e.getKey().startsWith("[internal] load build definition"))
        .allSatisfy(e -> assertThat(e.getValue()).isEqualTo("CACHED"));
  }

  @Test
  void changedContextFile_rerunsOnlyTheStepsThatReadIt() throws Exception {
    assertThat(build().exitCode()).isZero();
    Files.writeString(context.resolve("message.txt"), "changed\n");

    Kiln.Run r = build();

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.executed())
        .containsExactlyInAnyOrder(
            "[internal] load build context", "[stage-1 7/8] COPY message.txt ./");
  }

  @Test
  void malformedDockerfile_lineNumberedErrorAndExitCode() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"), "ARG BASE\nFROM ${BASE}\nCOPY message.txt /\nRUN\n");

    Kiln.Run r = build();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("Dockerfile:4");
  }

  /**
   * Runs the shaded jar as its own process: {@code kiln build --root R --build-arg BASE=… args…
   * CONTEXT}.
   */
  private ProcessResult runJar(String... args) {
    Path jar = Path.of("target/kiln.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar.toString(), "build"));
    cmd.addAll(List.of("--root", root.toString(), "--build-arg", "BASE=" + base));
    cmd.addAll(List.of(args));
    cmd.add(context.toString());
    return ProcessRunner.of(cmd.toArray(String[]::new)).timeout(Duration.ofMinutes(3)).run();
  }

  @Test
  void launcherJar_buildsAndPushesAsASeparateProcess() throws Exception {
    String ref = host + "/kiln-it/jar:" + tag();
    ProcessResult r =
        runJar(
            "--progress=plain",
            "-t",
            ref,
            "--push",
            "--metadata-file",
            tmp.resolve("meta.json").toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    JsonNode meta = new ObjectMapper().readTree(tmp.resolve("meta.json").toFile());
    String digest = meta.path("containerimage.digest").asText();
    assertThat(
            ok(
                    "skopeo",
                    "inspect",
                    "--tls-verify=false",
                    "--format",
                    "{{.Digest}}",
                    "docker://" + ref)
                .strip())
        .isEqualTo(digest);
  }

  /**
   * The pushed blobs go through oci-client, which logs with SLF4J: with the launcher jar's provider
   * no "No SLF4J providers" lines appear, and with rawjson (even under --debug) both streams carry
   * JSON events only.
   */
  @Test
  void launcherJar_rawjsonWithDebugAndPush_bothStreamsHoldOnlyJson() throws Exception {
    ProcessResult r =
        runJar("--progress=rawjson", "--debug", "-t", host + "/kiln-it/rawjson:" + tag(), "--push");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>(r.stderr().lines().toList());
    lines.addAll(r.stdout().lines().toList());
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      assertThat(json.readTree(line).isObject()).as(line).isTrue();
    }
    assertThat(r.stderr()).contains("\"vertexes\"").doesNotContain("SLF4J");
  }

  @Test
  void launcherJar_debugWithPlainProgress_noSlf4jWarnings() throws Exception {
    ProcessResult r =
        runJar("--progress=plain", "--debug", "-t", host + "/kiln-it/debug:" + tag(), "--push");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr() + r.stdout()).doesNotContain("SLF4J");
  }
}
