package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 end to end: a cache written by a real BuildKit v0.11.6 ({@code type=local}, in
 * ../shared/vectors/buildkit-v0.11/interop) imported by {@code kiln build --cache-keys
 * buildkit-v0.11}. The interop base image is pushed byte for byte to a real registry (skopeo
 * --preserve-digests), the workloads' Dockerfiles point at it. w1 hits every step BuildKit hit and
 * produces BuildKit's layers; w2 (late.txt changed) hits exactly the 8 steps BuildKit hit; with
 * kiln's own keys nothing but the base matches. A root kiln's own keys filled (the default before
 * issue 12) gives the default keys no hit and no failure.
 */
class BuildkitInteropIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE_MANIFEST =
      "3fda7b32f0856d2e7a9a8f3698450d6c300aa4e77b2ef81beb713e84e4e52a18";
  private static final String BASE_CONFIG =
      "3e698f11be62d86958b44fb4289c6f2bbfbb10b50e3000660790ab35ac829dd1";
  private static final String BASE_LAYER =
      "0c9d76a61b0b821c07989bab740c6b8baeedfbf88384aac7ffc1de6ee7aa0538";
  private static RegistryContainer registry;
  private static String base;

  @TempDir Path tmp;

  private static Path interop() {
    Path dir =
        Path.of("")
            .toAbsolutePath()
            .getParent()
            .resolveSibling("shared")
            .resolve("vectors/buildkit-v0.11/interop");
    assertThat(dir)
        .as("the BuildKit vectors must be checked out at ../shared beside the clone")
        .isDirectory();
    return dir;
  }

  @BeforeAll
  static void pushBase() throws Exception {
    Tools.require("docker");
    Tools.require("skopeo");
    registry = RegistryContainer.open();
    registry.start();
    base = registry.hostPort() + "/base/busybox:1";
    // skopeo's dir: transport keeps the Docker schema2 manifest byte for byte (its oci: transport
    // here does not list a non-OCI manifest in an index)
    Path dir = Files.createTempDirectory("kiln-interop-base");
    Path blobs = interop().resolve("base/blobs/sha256");
    Files.copy(blobs.resolve(BASE_MANIFEST), dir.resolve("manifest.json"));
    for (String blob : List.of(BASE_CONFIG, BASE_LAYER)) {
      Files.copy(blobs.resolve(blob), dir.resolve(blob));
    }
    Files.writeString(dir.resolve("version"), "Directory Transport Version: 1.1\n");
    ProcessRunner.of(
            "skopeo",
            "copy",
            "--preserve-digests",
            "--dest-tls-verify=false",
            "dir:" + dir,
            "docker://" + base)
        .timeout(Duration.ofMinutes(2))
        .run()
        .assertSuccess();
    ProcessRunner.of("rm", "-rf", dir.toString()).run();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  /** The workload as a checkout: 0644 files, run.sh 0755, FROM pointing at the test registry. */
  private Path context(String workload) throws Exception {
    Path from = interop().resolve(workload);
    Path ctx = Files.createDirectories(tmp.resolve(workload));
    for (String f :
        List.of(
            ".dockerignore",
            "readme.txt",
            "conf/a.conf",
            "conf/b.conf",
            "run.sh",
            "late.txt",
            "ignored.txt")) {
      Path target = ctx.resolve(f);
      Files.createDirectories(target.getParent());
      Files.copy(from.resolve(f), target);
      Files.setAttribute(target, "unix:mode", f.equals("run.sh") ? 0755 : 0644);
    }
    Files.setAttribute(ctx.resolve("conf"), "unix:mode", 0755);
    Files.writeString(
        ctx.resolve("Dockerfile"),
        Files.readString(from.resolve("Dockerfile"))
            .replace("127.0.0.1:5050/base/busybox:1", base));
    return ctx;
  }

  private Path cacheCopy() throws Exception {
    Path dest = tmp.resolve("w1-cache");
    ProcessRunner.of("cp", "-r", interop().resolve("w1-cache").toString(), dest.toString())
        .run()
        .assertSuccess();
    return dest;
  }

  private Kiln.Run build(Path ctx, String keys, Path cache, Path out) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "build",
                "--root",
                tmp.resolve("root-" + keys + "-" + ctx.getFileName()).toString()));
    args.addAll(List.of("--progress=plain", "--cache-keys", keys));
    args.addAll(List.of("--cache-from", "type=local,src=" + cache));
    args.addAll(List.of("-o", "type=oci,dest=" + out + ",tar=false"));
    args.add(ctx.toString());
    Kiln.Run r = Kiln.run(tmp, Map.of(), args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  private static List<String> layers(Path layout) throws Exception {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    String manifest = index.path("manifests").get(0).path("digest").asText();
    JsonNode m =
        JSON.readTree(layout.resolve("blobs/sha256").resolve(manifest.substring(7)).toFile());
    List<String> out = new ArrayList<>();
    m.path("layers").forEach(l -> out.add(l.path("digest").asText()));
    return out;
  }

  @Test
  void w1_importingW1Cache_everyStepCached_buildkitsLayers() throws Exception {
    Kiln.Run r = build(context("w1"), "buildkit-v0.11", cacheCopy(), tmp.resolve("out"));

    Map<String, String> steps = r.dockerfileSteps();
    assertThat(steps).as(r.err()).hasSize(10);
    assertThat(steps.values()).as(r.err()).containsOnly("CACHED");
    // only the build context is read (for the COPYs' content keys), as BuildKit transfers it
    assertThat(r.executed()).as(r.err()).containsExactly("[internal] load build context");
    assertThat(layers(tmp.resolve("out"))).isEqualTo(layers(interop().resolve("w1-image")));
  }

  @Test
  void w2_importingW1Cache_hitsTheStepsBuildkitHit() throws Exception {
    Kiln.Run r = build(context("w2"), "buildkit-v0.11", cacheCopy(), tmp.resolve("out"));

    Map<String, String> steps = r.dockerfileSteps();
    assertThat(steps).as(r.err()).hasSize(10);
    // kiln numbers ARG and ENV as steps too: compare the instructions, not "[stage n/m]"
    List<String> ran =
        steps.entrySet().stream()
            .filter(e -> e.getValue().equals("DONE"))
            .map(e -> e.getKey().substring(e.getKey().indexOf("] ") + 2))
            .toList();
    // BuildKit's log (interop/logs/w2-from-w1.log): 8 CACHED, COPY late.txt and the last RUN ran
    assertThat(ran)
        .as(r.err())
        .containsExactlyInAnyOrder(
            "COPY late.txt /app/late.txt",
            "RUN sh /app/run.sh > /app/run.out && cat /app/late.txt >> /app/run.out");
    assertThat(steps.values().stream().filter("CACHED"::equals).count()).as(r.err()).isEqualTo(8);
  }

  @Test
  void w1_freshKilnBuild_exportsBuildkitsRecords_andHitsItFromAWipedRoot() throws Exception {
    Path ctx = context("w1");
    Path cache = tmp.resolve("kiln-cache");
    List<String> args =
        new ArrayList<>(
            List.of("build", "--root", tmp.resolve("fresh").toString(), "--progress=plain"));
    args.addAll(List.of("--cache-keys", "buildkit-v0.11"));
    args.addAll(List.of("--cache-to", "type=local,dest=" + cache + ",mode=max"));
    args.add(ctx.toString());
    Kiln.Run r = Kiln.run(tmp, Map.of(), args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();

    // the reverse direction: what kiln exports is what BuildKit exported for the same build
    assertThat(recordDigests(cache)).isEqualTo(recordDigests(interop().resolve("w1-cache")));

    // and kiln's own cache round-trips: a wiped root importing it hits every step
    Kiln.Run again = build(ctx, "buildkit-v0.11", cache, tmp.resolve("again"));
    assertThat(again.dockerfileSteps().values()).as(again.err()).containsOnly("CACHED");
  }

  /** The record digests of the cache config a {@code type=local} cache's index points to. */
  private static java.util.Set<String> recordDigests(Path layout) throws Exception {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    String topDigest = index.path("manifests").get(0).path("digest").asText();
    JsonNode top =
        JSON.readTree(layout.resolve("blobs/sha256").resolve(topDigest.substring(7)).toFile());
    // an index listing the layers and the config last, or an image manifest with it as config
    JsonNode configDesc =
        top.has("config")
            ? top.path("config")
            : top.path("manifests").get(top.path("manifests").size() - 1);
    assertThat(configDesc.path("mediaType").asText())
        .isEqualTo("application/vnd.buildkit.cacheconfig.v0");
    String config = configDesc.path("digest").asText();
    JsonNode records =
        JSON.readTree(layout.resolve("blobs/sha256").resolve(config.substring(7)).toFile())
            .path("records");
    java.util.Set<String> out = new java.util.TreeSet<>();
    records.forEach(rec -> out.add(rec.path("digest").asText()));
    return out;
  }

  @Test
  void rootFilledWithKilnKeys_defaultKeysMissThenHit_kilnKeysStillHit() throws Exception {
    Path ctx = context("w1");
    Path root = tmp.resolve("mixed-root");
    // a root a kiln build with the old default (kiln's keys) filled
    Kiln.Run old = plainBuild(ctx, root, "--cache-keys", "kiln");
    assertThat(opSteps(old)).as(old.err()).hasSize(10).doesNotContain("CACHED");

    // the default keys share no op record with it (the image roots are the same in both): every
    // step runs again, nothing fails
    Kiln.Run first = plainBuild(ctx, root);
    assertThat(opSteps(first)).as(first.err()).hasSize(10).doesNotContain("CACHED");

    // the default is buildkit-v0.32: naming it hits every step the default build recorded
    Kiln.Run named = plainBuild(ctx, root, "--cache-keys", "buildkit-v0.32");
    assertThat(opSteps(named)).as(named.err()).hasSize(10).containsOnly("CACHED");
    // and the old entries are intact
    Kiln.Run back = plainBuild(ctx, root, "--cache-keys", "kiln");
    assertThat(opSteps(back)).as(back.err()).hasSize(10).containsOnly("CACHED");
  }

  /** The states of the Dockerfile steps but FROM. */
  private static List<String> opSteps(Kiln.Run r) {
    return r.dockerfileSteps().entrySet().stream()
        .filter(e -> !e.getKey().contains("] FROM "))
        .map(Map.Entry::getValue)
        .toList();
  }

  private Kiln.Run plainBuild(Path ctx, Path root, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("build", "--root", root.toString(), "--progress=plain"));
    args.addAll(List.of(extra));
    args.add(ctx.toString());
    Kiln.Run r = Kiln.run(tmp, Map.of(), args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  @Test
  void w1_kilnKeys_noStepHits() throws Exception {
    Kiln.Run r = build(context("w1"), "kiln", cacheCopy(), tmp.resolve("out"));

    assertThat(r.dockerfileSteps().values()).as(r.err()).doesNotContain("CACHED");
  }
}
