package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.testsupport.ProcessResult;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.Tools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Dockerfile parity corpus ({@code src/test/resources/parity/*.txtar}, format in {@link
 * ParityCase}): every case is built by {@code kiln build}; {@code compare: docker} cases are also
 * built by dockerd's builder ({@code DOCKER_BUILDKIT=1 /usr/bin/docker build --network none},
 * dockerd 20.10) and both images are compared path by path (type, mode, owner, content) and config
 * field by field; {@code compare: expect} cases (what dockerd 20.10's older frontend cannot build)
 * are checked against expectations recorded from BuildKit's own tests. Both images are read from
 * archives ({@code -o type=oci} for kiln, {@code docker save} for docker) by {@link ImageTree}.
 */
class ParityCorpusIT extends BusyboxRegistry.Fixture {

  /** Config fields compared with docker's image. */
  private static final List<String> CONFIG_FIELDS =
      List.of(
          "Env",
          "User",
          "WorkingDir",
          "Entrypoint",
          "Cmd",
          "Labels",
          "ExposedPorts",
          "Volumes",
          "StopSignal",
          "OnBuild",
          "Shell",
          "Healthcheck");

  static Path work;

  /** Serves the cases' {@code http/} files, at /CASE/PATH, with an ETag and a Last-Modified. */
  static HttpServer http;

  static final Map<String, byte[]> served = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void requireTools() throws IOException {
    Tools.require("runc");
    assertThat(Path.of(DockerParityIT.DEBIAN_DOCKER))
        .as("install Debian's docker.io")
        .isExecutable();
    work = Files.createTempDirectory("kiln-parity");
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        ex -> {
          byte[] body = served.get(ex.getRequestURI().getPath());
          if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.getResponseHeaders()
                .set("ETag", "\"" + dev.kiln.oci.Digests.sha256(body).hex() + "\"");
            ex.getResponseHeaders().set("Last-Modified", "Tue, 02 Jan 2024 03:04:05 GMT");
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
              ex.getResponseBody().write(body);
            }
          }
          ex.close();
        });
    http.start();
  }

  @AfterAll
  static void cleanUp() {
    if (http != null) {
      http.stop(0);
    }
    if (work != null) {
      ProcessRunner.of("rm", "-rf", work.toString()).run();
    }
  }

  /** Serves the case's {@code http/} files; the URL prefix they are under. */
  private static String httpPrefix(ParityCase c) {
    c.withPrefix("http/")
        .forEach(
            (path, content) ->
                served.put("/" + c.name() + "/" + path, content.getBytes(StandardCharsets.UTF_8)));
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + c.name();
  }

  @TestFactory
  Stream<DynamicTest> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(ParityCorpusIT.class.getResource("/parity").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".txtar")).sorted().toList();
    }
    assertThat(files).as("parity cases").isNotEmpty();
    List<DynamicTest> tests = new ArrayList<>();
    // -Dparity.only=REGEX runs the matching cases only (while working on some)
    String only = System.getProperty("parity.only", "");
    for (Path f : files) {
      ParityCase c = ParityCase.read(f);
      if (!only.isEmpty() && !c.name().matches(only)) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(c.name(), f.toUri(), () -> check(c)));
    }
    return tests.stream();
  }

  private static void check(ParityCase c) throws Exception {
    Path dir = work.resolve(c.name());
    Path context = c.write(dir);
    Path ociTar = dir.resolve("kiln.tar");
    List<String> args = new ArrayList<>();
    args.addAll(List.of("build", "--root", work.resolve("root").toString(), "--progress=plain"));
    args.addAll(List.of("--build-arg", "BASE=" + base));
    args.addAll(c.args(dir, base, httpPrefix(c)));
    args.addAll(List.of("-o", "type=oci,dest=" + ociTar));
    args.add(context.toString());
    Kiln.Run r = Kiln.run(dir, Map.of(), args.toArray(String[]::new));

    String error = c.sections().get("expect-error");
    if (error != null) {
      assertThat(r.exitCode()).as("kiln must fail: %s", r.err()).isNotZero();
      assertThat(String.join("\n", r.errors())).contains(error.strip());
      return;
    }
    assertThat(r.exitCode()).as(r.err()).isZero();
    ImageTree kiln = ImageTree.ofOciTar(ociTar);
    checkExpectations(c, kiln);
    if (c.docker()) {
      ImageTree docker = dockerBuild(c, context, dir);
      assertThat(differences(kiln, docker, c.ignored()))
          .as("file system: kiln vs docker")
          .isEmpty();
      assertThat(configFields(kiln.config())).as("config").isEqualTo(configFields(docker.config()));
      if (c.dockerHistory()) {
        assertThat(history(kiln.config())).as("history").isEqualTo(history(docker.config()));
      }
    }
  }

  private static void checkExpectations(ParityCase c, ImageTree image) {
    SoftAssertions soft = new SoftAssertions();
    for (Map.Entry<String, String> e : c.withPrefix("expect/").entrySet()) {
      soft.assertThat(image.text(e.getKey()))
          .as("content of /%s", e.getKey())
          .isEqualTo(e.getValue());
    }
    for (String line : c.lines("expect-stat")) {
      String[] f = line.split(" ", 2);
      String entry = image.entries().get(f[0]);
      soft.assertThat(entry).as("/%s", f[0]).isNotNull();
      if (entry != null) {
        String[] parts = entry.split(" ");
        // "type mode uid:gid" of the entry (the content hash or link target is left out)
        String stat = parts[0] + " " + parts[parts.length - 2] + " " + parts[parts.length - 1];
        soft.assertThat(stat).as("/%s", f[0]).isEqualTo(f[1]);
      }
    }
    for (String path : c.lines("expect-absent")) {
      soft.assertThat(image.entries()).as("/%s must not exist", path).doesNotContainKey(path);
    }
    if (c.sections().containsKey("expect-env")) {
      soft.assertThat(strings(image.config().path("config").path("Env")))
          .as("Env")
          .isEqualTo(c.lines("expect-env"));
    }
    if (c.sections().containsKey("expect-history")) {
      List<String> expected =
          c.lines("expect-history").stream().map(l -> l.replace("\\n", "\n")).toList();
      List<String> all = history(image.config());
      // the base image's own entries come first
      List<String> added = all.subList(Math.max(0, all.size() - expected.size()), all.size());
      soft.assertThat(added).as("history (after the base's)").isEqualTo(expected);
    }
    soft.assertAll();
  }

  private static ImageTree dockerBuild(ParityCase c, Path context, Path dir) throws Exception {
    String tag = "kiln-parity-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> cmd =
        new ArrayList<>(
            List.of(DockerParityIT.DEBIAN_DOCKER, "build", "--network", "none", "-q", "-t", tag));
    cmd.addAll(List.of("--build-arg", "BASE=" + base));
    cmd.addAll(c.args(dir, base, httpPrefix(c)));
    cmd.add(context.toString());
    try {
      ProcessResult built =
          ProcessRunner.of(cmd).env("DOCKER_BUILDKIT", "1").timeout(Duration.ofMinutes(5)).run();
      assertThat(built.exitCode()).as("docker build: %s", built.stderr()).isZero();
      Path saved = dir.resolve("docker.tar");
      ProcessRunner.of("docker", "save", "-o", saved.toString(), tag).run().assertSuccess();
      return ImageTree.ofDockerSave(saved);
    } finally {
      ProcessRunner.of("docker", "rmi", "-f", tag).run();
    }
  }

  /** "path: kiln … / docker …" for each path whose entry differs, with short text contents. */
  private static List<String> differences(ImageTree kiln, ImageTree docker, List<String> ignored) {
    java.util.TreeSet<String> paths = new java.util.TreeSet<>(kiln.entries().keySet());
    paths.addAll(docker.entries().keySet());
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      if (ignored.stream().anyMatch(i -> p.equals(i) || p.startsWith(i + "/"))) {
        continue;
      }
      String k = kiln.entries().get(p);
      String d = docker.entries().get(p);
      if (k == null || !k.equals(d)) {
        out.add(
            p + ": kiln " + describe(k, kiln.text(p)) + " / docker " + describe(d, docker.text(p)));
      }
    }
    return out;
  }

  private static String describe(String entry, String text) {
    if (entry == null) {
      return "(absent)";
    }
    return text != null && text.length() < 200 ? entry + " " + text.replace("\n", "\\n") : entry;
  }

  private static Map<String, JsonNode> configFields(JsonNode config) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode c = config.path("config");
    for (String f : CONFIG_FIELDS) {
      JsonNode v = c.path(f);
      // absent, null and empty are the same to a runtime
      if (!v.isMissingNode()
          && !v.isNull()
          && !(v.isContainerNode() && v.isEmpty())
          && !(v.isTextual() && v.asText().isEmpty())) {
        out.put(f, v);
      }
    }
    return out;
  }

  /** created_by of the history entries a Dockerfile added (BuildKit's comment). */
  private static List<String> history(JsonNode config) {
    List<String> out = new ArrayList<>();
    for (JsonNode h : config.path("history")) {
      if (h.path("comment").asText().equals("buildkit.dockerfile.v0")) {
        out.add(h.path("created_by").asText());
      }
    }
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
