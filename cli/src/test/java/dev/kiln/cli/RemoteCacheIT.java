package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testsupport.CacheManifestJson;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.FaultRule;
import dev.kiln.testsupport.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cache-to} / {@code --cache-from} through the CLI against a real registry and real runc
 * (the round-trip matrix is {@link RemoteCacheMatrixIT}): partial hits after a context change, min
 * versus max, the failure policy, a second export that uploads nothing, two merged sources, a cache
 * blob that cannot be fetched.
 */
class RemoteCacheIT extends BusyboxRegistry.Fixture {

  static final String DOCKERFILE =
      """
      ARG BASE
      FROM ${BASE} AS builder
      WORKDIR /work
      COPY src/ ./src/
      RUN cat src/a.txt src/b.txt > joined.txt && echo built >> joined.txt
      RUN wc -c joined.txt > size.txt

      FROM ${BASE}
      COPY motd.txt /etc/motd
      COPY --from=builder /work/joined.txt /work/size.txt /app/
      RUN cat /app/size.txt > /app/report.txt
      """;

  static final String EPOCH = "1700000000";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MANIFEST = Pattern.compile("writing manifest (sha256:[0-9a-f]{64})");
  private static final Pattern SUMMARY =
      Pattern.compile("(\\d+) layers: (\\d+) uploaded \\((\\d+) bytes\\), (\\d+) already present");

  static FaultProxy proxy;

  @TempDir Path tmp;
  Path context;

  @BeforeAll
  static void startProxy() {
    Tools.require("skopeo");
    proxy = FaultProxy.start(registry.registry.baseUrl());
  }

  @AfterAll
  static void stopProxy() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @BeforeEach
  void writeContext() throws Exception {
    context = Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    Files.createDirectories(context.resolve("src"));
    Files.writeString(context.resolve("src/a.txt"), "alpha\n");
    Files.writeString(context.resolve("src/b.txt"), "beta\n");
    Files.writeString(context.resolve("motd.txt"), "welcome\n");
    proxy.clearRules();
  }

  static String ref(String name) {
    return host + "/kiln-it/" + name + ":" + UUID.randomUUID().toString().substring(0, 8);
  }

  Kiln.Run build(Path root, String... extra) {
    return build(context, root, extra);
  }

  static Kiln.Run build(Path context, Path root, String... extra) {
    List<String> args = new ArrayList<>(List.of("build", "--root", root.toString()));
    args.add("--progress=plain");
    args.add("--build-arg");
    args.add("BASE=" + base);
    args.addAll(List.of(extra));
    args.add(context.toString());
    return Kiln.run(
        context.getParent(), Map.of("SOURCE_DATE_EPOCH", EPOCH), args.toArray(String[]::new));
  }

  static Kiln.Run ok(Kiln.Run r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  static String imageDigest(Path metadata) throws Exception {
    return JSON.readTree(metadata.toFile()).path("containerimage.digest").asText();
  }

  static String manifestDigest(Kiln.Run r) {
    Matcher m = MANIFEST.matcher(r.err());
    assertThat(m.find()).as(r.err()).isTrue();
    return m.group(1);
  }

  /** {layers, uploaded, bytes, present} of the export summary line. */
  static long[] summary(Kiln.Run r) {
    Matcher m = SUMMARY.matcher(r.err());
    assertThat(m.find()).as(r.err()).isTrue();
    return new long[] {
      Long.parseLong(m.group(1)),
      Long.parseLong(m.group(2)),
      Long.parseLong(m.group(3)),
      Long.parseLong(m.group(4))
    };
  }

  @Test
  void changedContextFile_max_rerunsOnlyDependentSteps_min_rerunsTheOtherStageToo()
      throws Exception {
    String max = ref("partial-max");
    String min = ref("partial-min");
    ok(build(tmp.resolve("cold"), "--cache-to", "type=registry,ref=" + max + ",mode=max"));
    ok(build(tmp.resolve("cold"), "--cache-to", "type=registry,ref=" + min + ",mode=min"));
    Files.writeString(context.resolve("motd.txt"), "welcome again\n");

    Kiln.Run fromMax = ok(build(tmp.resolve("fresh-max"), "--cache-from", max));
    assertThat(fromMax.dockerfileSteps())
        .as(fromMax.err())
        .containsEntry("[builder 2/5] WORKDIR /work", "CACHED")
        .containsEntry("[builder 3/5] COPY src/ ./src/", "CACHED")
        .containsEntry(
            "[builder 4/5] RUN cat src/a.txt src/b.txt > joined.txt && echo built >> joined.txt",
            "CACHED")
        .containsEntry("[builder 5/5] RUN wc -c joined.txt > size.txt", "CACHED")
        .containsEntry("[stage-1 2/4] COPY motd.txt /etc/motd", "DONE")
        .containsEntry("[stage-1 4/4] RUN cat /app/size.txt > /app/report.txt", "DONE");

    Kiln.Run fromMin = ok(build(tmp.resolve("fresh-min"), "--cache-from", min));
    assertThat(fromMin.dockerfileSteps())
        .as(fromMin.err())
        .containsEntry(
            "[builder 4/5] RUN cat src/a.txt src/b.txt > joined.txt && echo built >> joined.txt",
            "DONE")
        .containsEntry("[stage-1 2/4] COPY motd.txt /etc/motd", "DONE");
  }

  @Test
  void rawjsonProgress_showsTheCacheSteps() throws Exception {
    String cache = ref("rawjson");
    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of("SOURCE_DATE_EPOCH", EPOCH),
            "build",
            "--root",
            tmp.resolve("root").toString(),
            "--progress=rawjson",
            "--build-arg",
            "BASE=" + base,
            "--cache-to",
            "type=registry,ref=" + cache,
            "--cache-from",
            cache,
            context.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> names = new ArrayList<>();
    for (String line : r.err().lines().filter(l -> l.startsWith("{")).toList()) {
      JsonNode n = JSON.readTree(line);
      n.path("vertexes").forEach(v -> names.add(v.path("name").asText()));
    }
    assertThat(names)
        .contains(
            "importing cache manifest from " + cache,
            "exporting cache to registry",
            "preparing build cache for export")
        .anyMatch(n -> n.startsWith("writing layer sha256:"))
        .anyMatch(n -> n.startsWith("writing config sha256:"))
        .anyMatch(n -> n.startsWith("writing manifest sha256:"));
  }

  @Test
  void allHitsPushedToTheCacheRegistry_mountLayersWithoutDownloadingThem() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String cache = proxy.hostPort() + "/kiln-it/lazy-cache:" + tag;
    ok(build(tmp.resolve("cold"), "--cache-to", "type=registry,ref=" + cache + ",mode=max"));
    proxy.clearAccessLog();
    String image = proxy.hostPort() + "/kiln-it/lazy-app:" + tag;
    Kiln.Run r = ok(build(tmp.resolve("fresh"), "--cache-from", cache, "-t", image, "--push"));
    assertThat(r.dockerfileSteps()).allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo("CACHED"));
    JsonNode cacheManifest = CacheManifestJson.inspectRaw(cache.replace(proxy.hostPort(), host));
    String config = cacheManifest.path("config").path("digest").asText();
    List<String> cacheBlobReads =
        proxy.accessLog().stream()
            .filter(e -> e.method().equals("GET") && e.path().contains("/lazy-cache/blobs/"))
            .map(e -> e.path().substring(e.path().lastIndexOf('/') + 1))
            .toList();
    // only the config; the base image's layer lives in another registry name (not mountable into
    // this one) and must be sent, so it is the one blob read back from the cache
    List<String> allowed = new ArrayList<>(List.of(config));
    CacheManifestJson.inspectRaw(base)
        .path("layers")
        .forEach(l -> allowed.add(l.path("digest").asText()));
    assertThat(cacheBlobReads).contains(config).isSubsetOf(allowed);
    assertThat(proxy.accessLog())
        .anyMatch(
            e -> e.method().equals("POST") && e.query() != null && e.query().contains("mount="));
    JsonNode pushed = CacheManifestJson.inspectRaw(image.replace(proxy.hostPort(), host));
    assertThat(pushed.path("layers").size()).isGreaterThan(1);
  }

  @Test
  void missingCacheRef_isAWarningAndTheBuildSucceeds() {
    String missing = host + "/kiln-it/no-such-cache:nope";
    Kiln.Run r = ok(build(tmp.resolve("root"), "--cache-from", missing));
    assertThat(r.err().lines().filter(l -> l.contains("WARNING: cache " + missing + ": not found")))
        .hasSize(1);
  }

  @Test
  void cacheRefEqualToThePushTarget_isAnError() {
    String target = ref("same");
    Kiln.Run r =
        build(
            tmp.resolve("root"),
            "-t",
            target,
            "--push",
            "--cache-to",
            "type=registry,ref=" + target);
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err())
        .contains("the cache ref " + target + " is also where the image is pushed")
        .doesNotContain("RUN cat");
  }

  @Test
  void badCacheFlags_areOneClearError() {
    Kiln.Run unknownType = build(tmp.resolve("root"), "--cache-to", "type=s3,bucket=x");
    assertThat(unknownType.exitCode()).isNotZero();
    assertThat(unknownType.err())
        .contains("unknown cache type 's3' (kiln supports inline, local, registry)");
    Kiln.Run badMode = build(tmp.resolve("root"), "--cache-to", "type=registry,ref=x/y,mode=all");
    assertThat(badMode.err()).contains("mode=all is not supported (use min, max)");
    Kiln.Run unknownAttr = build(tmp.resolve("root"), "--cache-from", "type=local,dest=/x");
    assertThat(unknownAttr.err()).contains("--cache-from type=local: unknown attribute 'dest'");
  }

  @Test
  void unreachableExportTarget_failsTheBuild_unlessIgnoreError() {
    String dead = "127.0.0.1:1/kiln-it/cache:1";
    Kiln.Run fails = build(tmp.resolve("root"), "--cache-to", "type=registry,ref=" + dead);
    assertThat(fails.exitCode()).isNotZero();
    assertThat(fails.err()).contains("exporting cache to registry " + dead);
    Kiln.Run warns =
        ok(
            build(
                tmp.resolve("root"),
                "--cache-to",
                "type=registry,ref=" + dead + ",ignore-error=true"));
    assertThat(warns.err().lines().filter(l -> l.startsWith("WARNING: cache export to registry")))
        .hasSize(1);
  }

  @Test
  void secondExportOfAnUnchangedBuild_uploadsNothingAndWritesTheSameManifest() {
    String cache = ref("twice");
    Kiln.Run first =
        ok(build(tmp.resolve("root"), "--cache-to", "type=registry,ref=" + cache + ",mode=max"));
    Kiln.Run second =
        ok(build(tmp.resolve("root"), "--cache-to", "type=registry,ref=" + cache + ",mode=max"));
    assertThat(manifestDigest(second)).isEqualTo(manifestDigest(first));
    long[] s = summary(second);
    assertThat(s[1]).as(second.err()).isZero();
    assertThat(s[2]).isZero();
    assertThat(s[3]).isEqualTo(s[0]);
  }

  @Test
  void twoCacheSources_areMerged() throws Exception {
    String builderCache = ref("merge-builder");
    String finalCache = ref("merge-final");
    // A: the builder stage only; B: a build whose builder output differs (src changed)
    ok(
        build(
            tmp.resolve("a"),
            "--target",
            "builder",
            "--cache-to",
            "type=registry,ref=" + builderCache + ",mode=max"));
    Path other = Files.createDirectories(tmp.resolve("other/ctx"));
    Files.writeString(other.resolve("Dockerfile"), DOCKERFILE);
    Files.createDirectories(other.resolve("src"));
    Files.writeString(other.resolve("src/a.txt"), "another alpha\n");
    Files.writeString(other.resolve("src/b.txt"), "beta\n");
    Files.writeString(other.resolve("motd.txt"), "welcome\n");
    ok(
        build(
            other,
            tmp.resolve("b"),
            "--cache-to",
            "type=registry,ref=" + finalCache + ",mode=max"));

    Kiln.Run both =
        ok(build(tmp.resolve("fresh"), "--cache-from", builderCache, "--cache-from", finalCache));
    assertThat(both.dockerfileSteps())
        .as(both.err())
        .containsEntry(
            "[builder 4/5] RUN cat src/a.txt src/b.txt > joined.txt && echo built >> joined.txt",
            "CACHED")
        .containsEntry("[stage-1 2/4] COPY motd.txt /etc/motd", "CACHED")
        .containsEntry("[stage-1 4/4] RUN cat /app/size.txt > /app/report.txt", "DONE");
  }

  @Test
  void cacheBlobThatCannotBeFetched_rerunsTheStepThatMadeIt() throws Exception {
    String cache =
        proxy.hostPort() + "/kiln-it/gone:" + UUID.randomUUID().toString().substring(0, 8);
    Kiln.Run cold =
        ok(build(tmp.resolve("cold"), "--cache-to", "type=registry,ref=" + cache + ",mode=max"));
    assertThat(cold.err()).contains("exporting cache to registry");
    // The builder's last layer is "deleted": every GET of it answers 404.
    JsonNode m = CacheManifestJson.inspectRaw(cache.replace(proxy.hostPort(), host));
    String configDigest = m.path("config").path("digest").asText();
    assertThat(configDigest).startsWith("sha256:");
    ok(
        build(
            tmp.resolve("probe"),
            "--cache-from",
            cache,
            "-o",
            "type=oci,dest=" + tmp.resolve("p.tar")));
    List<String> blobGets =
        proxy.accessLog().stream()
            .filter(e -> e.method().equals("GET") && e.path().contains("/blobs/sha256:"))
            .map(e -> e.path().substring(e.path().lastIndexOf('/') + 1))
            .filter(d -> !d.equals(configDigest))
            .distinct()
            .toList();
    assertThat(blobGets).isNotEmpty();
    for (String d : blobGets) {
      proxy.addRule(
          FaultRule.on("GET", "/v2/kiln-it/gone/blobs/" + d)
              .always()
              .respond(
                  404,
                  Map.of("Content-Type", "application/json"),
                  "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}"));
    }
    Kiln.Run r =
        ok(
            build(
                tmp.resolve("fresh"),
                "--cache-from",
                cache,
                "-o",
                "type=oci,dest=" + tmp.resolve("out.tar")));
    assertThat(r.err()).contains("cannot be fetched; running its steps");
    assertThat(r.dockerfileSteps().values()).as(r.err()).contains("DONE");
    assertThat(tmp.resolve("out.tar")).isNotEmptyFile();
  }
}
