package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.InlineCacheCodec;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifests;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.ManifestContent;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.testsupport.AccessLogEntry;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.ProcessResult;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.Tools;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cache-to type=inline} and {@code --cache-from IMAGE} through the CLI against a real
 * registry (behind a request-logging proxy) and real runc: a pushed image carries its cache, a
 * fresh machine rebuilds it with every step cached, nothing run, nothing downloaded or uploaded,
 * and the same digest; docker runs and skopeo reads the image; and the edge cases of the issue.
 */
class InlineCacheIT extends BusyboxRegistry.Fixture {

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
      COPY hello.txt /hello.txt
      RUN cat /hello.txt /app/report.txt > /app/final.txt
      CMD ["cat", "/app/final.txt"]
      """;

  static final String EPOCH = RemoteCacheIT.EPOCH;
  private static final ObjectMapper JSON = new ObjectMapper();

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
    context = writeContext(tmp.resolve("ctx"), "alpha\n");
    proxy.clearRules();
  }

  static Path writeContext(Path dir, String a) throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("Dockerfile"), DOCKERFILE);
    Files.writeString(dir.resolve("src/a.txt"), a);
    Files.writeString(dir.resolve("src/b.txt"), "beta\n");
    Files.writeString(dir.resolve("motd.txt"), "welcome\n");
    Files.writeString(dir.resolve("hello.txt"), "hello\n");
    return dir;
  }

  /** A fresh tag in a repository reached through the proxy. */
  static String ref(String name) {
    return proxy.hostPort()
        + "/kiln-it/"
        + name
        + ":"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  Kiln.Run build(Path root, String... extra) {
    return build(context, root, extra);
  }

  /** {@link RemoteCacheIT#build} with a metadata file next to the root. */
  static Kiln.Run build(Path context, Path root, String... extra) {
    List<String> args = new ArrayList<>(List.of("--metadata-file", root + ".metadata.json"));
    args.addAll(List.of(extra));
    return RemoteCacheIT.build(context, root, args.toArray(String[]::new));
  }

  static Kiln.Run ok(Kiln.Run r) {
    return RemoteCacheIT.ok(r);
  }

  static String imageDigest(Path root) throws Exception {
    return JSON.readTree(Path.of(root + ".metadata.json").toFile())
        .path("containerimage.digest")
        .asText();
  }

  static String sh(String... cmd) {
    ProcessResult r = ProcessRunner.of(cmd).timeout(Duration.ofMinutes(3)).run();
    return r.assertSuccess().stdout();
  }

  /** The Dockerfile steps (without FROM) and their states. */
  static Map<String, String> steps(Kiln.Run r) {
    Map<String, String> out = new java.util.LinkedHashMap<>(r.dockerfileSteps());
    out.keySet().removeIf(name -> name.matches("^\\[[^\\]]+ 1/\\d+\\] FROM .*"));
    return out;
  }

  static RegistryClient client() throws Exception {
    return RegistryClient.builder(proxy.hostPort()).build();
  }

  static String repository(String ref) {
    return ref.substring(ref.indexOf('/') + 1, ref.lastIndexOf(':'));
  }

  static String tagOf(String ref) {
    return ref.substring(ref.lastIndexOf(':') + 1);
  }

  /** The raw config of an image as the registry holds it. */
  static JsonNode config(String ref) throws Exception {
    try (RegistryClient c = client()) {
      ManifestContent m = c.pullManifest(repository(ref), tagOf(ref));
      ImageManifest manifest = (ImageManifest) Manifests.parse(m.bytes(), m.mediaType());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      c.pullBlob(repository(ref), manifest.config().digest(), manifest.config().size(), out);
      return JSON.readTree(out.toByteArray());
    }
  }

  @Test
  void pushedWithInlineCache_freshRootRebuild_allCached_nothingRunOrMoved_sameDigest()
      throws Exception {
    String image = ref("inline");
    Path cold = tmp.resolve("cold");
    ok(build(cold, "--cache-to", "type=inline", "--push", "-t", image));
    String digest = imageDigest(cold);
    assertThat(digest).startsWith("sha256:");

    // from clean roots again: the same image, inline cache included
    String again = ref("inline");
    Path cold2 = tmp.resolve("cold2");
    ok(build(cold2, "--cache-to", "type=inline", "--push", "-t", again));
    assertThat(imageDigest(cold2)).isEqualTo(digest);

    proxy.clearAccessLog();
    Path fresh = tmp.resolve("fresh");
    Kiln.Run r =
        ok(build(fresh, "--cache-from", image, "--cache-to", "type=inline", "--push", "-t", image));

    // the final stage's steps hit; the builder stage is not even needed (its keys matched)
    assertThat(steps(r))
        .as(r.err())
        .hasSize(5)
        .allSatisfy((n, s) -> assertThat(s).isEqualTo("CACHED"));
    assertThat(r.executed()).as(r.err()).noneMatch(n -> n.contains("RUN"));
    assertThat(imageDigest(fresh)).isEqualTo(digest);
    String repo = "/v2/" + repository(image) + "/";
    List<AccessLogEntry> log =
        proxy.accessLog().stream().filter(e -> e.path().startsWith(repo)).toList();
    // lazy: only the image's manifest and config were read; the push uploaded no layer
    assertThat(log.stream().filter(e -> e.method().equals("GET") && e.path().contains("/blobs/")))
        .as(log.toString())
        .hasSize(1);
    assertThat(log.stream().filter(e -> e.path().contains("/blobs/uploads")))
        .as(log.toString())
        .isEmpty();
    assertThat(log).anyMatch(e -> e.method().equals("PUT") && e.path().contains("/manifests/"));
  }

  @Test
  void inlineCacheFromALaterEpoch_hitsEveryStep_imageClampedToTheEarlierEpoch() throws Exception {
    String image = ref("epoch");
    ok(
        RemoteCacheIT.buildUnder(
            "1700000000",
            context,
            tmp.resolve("cold"),
            "--cache-to",
            "type=inline",
            "--push",
            "-t",
            image));

    Path layout = tmp.resolve("image");
    Kiln.Run r =
        ok(
            RemoteCacheIT.buildUnder(
                "1600000000",
                context,
                tmp.resolve("fresh"),
                "--cache-from",
                image,
                "-o",
                "type=oci,tar=false,dest=" + layout));

    assertThat(steps(r))
        .as(r.err())
        .hasSize(5)
        .allSatisfy((n, s) -> assertThat(s).isEqualTo("CACHED"));
    assertThat(r.executed()).as(r.err()).noneMatch(n -> n.contains("RUN"));
    RemoteCacheIT.assertAddedLayersClampedTo(layout, 5, 1600000000L);
  }

  @Test
  void lateChange_rerunsOnlyTheStepsThatDependOnIt() throws Exception {
    String image = ref("late");
    ok(build(tmp.resolve("cold"), "--cache-to", "type=inline", "--push", "-t", image));
    Files.writeString(context.resolve("hello.txt"), "hello again\n");

    Kiln.Run r = ok(build(tmp.resolve("fresh"), "--cache-from", image));

    assertThat(steps(r))
        .as(r.err())
        .containsEntry("[stage-1 2/7] COPY motd.txt /etc/motd", "CACHED")
        .containsEntry(
            "[stage-1 3/7] COPY --from=builder /work/joined.txt /work/size.txt /app/", "CACHED")
        .containsEntry("[stage-1 4/7] RUN cat /app/size.txt > /app/report.txt", "CACHED")
        .containsEntry("[stage-1 5/7] COPY hello.txt /hello.txt", "DONE")
        .containsEntry("[stage-1 6/7] RUN cat /hello.txt /app/report.txt > /app/final.txt", "DONE");
    assertThat(r.executed()).as(r.err()).filteredOn(n -> n.contains("RUN")).hasSize(1);
  }

  @Test
  void imageWithInlineCache_dockerPullsAndRunsIt_skopeoReadsIt_modeMaxWarned() throws Exception {
    String image = ref("docker");
    Kiln.Run r =
        ok(build(tmp.resolve("cold"), "--cache-to", "type=inline,mode=max", "--push", "-t", image));
    assertThat(
            r.err().lines().filter(l -> l.startsWith("WARNING: --cache-to type=inline,mode=max")))
        .hasSize(1);
    assertThat(r.err()).contains("preparing layers for inline cache");

    String direct = image.replace(proxy.hostPort(), host);
    try {
      sh("docker", "pull", direct);
      assertThat(sh("docker", "run", "--rm", "--network=none", direct))
          .isEqualTo("hello\n17 joined.txt\n"); // "alpha\nbeta\nbuilt\n" is 17 bytes
    } finally {
      ProcessRunner.of("docker", "rmi", "-f", direct).run();
    }
    JsonNode manifest =
        JSON.readTree(sh("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + direct));
    JsonNode config =
        JSON.readTree(
            sh(
                "skopeo",
                "inspect",
                "--config",
                "--raw",
                "--tls-verify=false",
                "docker://" + direct));
    JsonNode inspected =
        JSON.readTree(sh("skopeo", "inspect", "--tls-verify=false", "docker://" + direct));
    assertThat(inspected.path("Layers").size()).isEqualTo(manifest.path("layers").size());
    List<CacheConfig.Record> records =
        InlineCacheCodec.decode(config.path(InlineCacheCodec.CONFIG_KEY).asText());
    int layers = manifest.path("layers").size();
    assertThat(records).isNotEmpty();
    assertThat(records)
        .anySatisfy(
            rec ->
                assertThat(rec.results())
                    .extracting(CacheConfig.Result::layer)
                    .contains(layers - 1));
    for (CacheConfig.Record rec : records) {
      rec.results().forEach(res -> assertThat(res.layer()).isBetween(0, layers - 1));
      rec.results()
          .forEach(
              res -> assertThat(res.createdAt().toEpochSecond()).isEqualTo(Long.parseLong(EPOCH)));
    }
  }

  @Test
  void imageWithoutInlineCache_asSource_isOneNotice_andANormalBuild() throws Exception {
    String plain = ref("plain");
    ok(build(tmp.resolve("cold"), "--push", "-t", plain));
    assertThat(config(plain).has(InlineCacheCodec.CONFIG_KEY)).isFalse();

    Kiln.Run r = ok(build(tmp.resolve("fresh"), "--cache-from", plain));

    assertThat(r.err().lines().filter(l -> l.contains("holds no build cache")))
        .containsExactly(
            "WARNING: registry "
                + plain
                + " holds no build cache (an image without an inline cache, or an empty cache);"
                + " building without it");
    assertThat(steps(r)).as(r.err()).allSatisfy((n, s) -> assertThat(s).isEqualTo("DONE"));
  }

  @Test
  void inlineImageAndRegistryCache_together_eachGivesItsHits() throws Exception {
    String builderCache = ref("builder-cache");
    String otherImage = ref("other");
    // A: the builder stage of this context, as a registry cache with every layer
    ok(
        build(
            tmp.resolve("a"),
            "--target",
            "builder",
            "--cache-to",
            "type=registry,ref=" + builderCache + ",mode=max"));
    // B: an image with inline cache whose builder output differs (src/a.txt changed)
    Path other = writeContext(tmp.resolve("other/ctx"), "another alpha\n");
    ok(build(other, tmp.resolve("b"), "--cache-to", "type=inline", "--push", "-t", otherImage));

    Kiln.Run both =
        ok(build(tmp.resolve("fresh"), "--cache-from", builderCache, "--cache-from", otherImage));

    assertThat(steps(both))
        .as(both.err())
        .containsEntry(
            "[builder 4/5] RUN cat src/a.txt src/b.txt > joined.txt && echo built >> joined.txt",
            "CACHED")
        .containsEntry("[stage-1 2/7] COPY motd.txt /etc/motd", "CACHED")
        .containsEntry("[stage-1 4/7] RUN cat /app/size.txt > /app/report.txt", "DONE");
  }

  @Test
  void corruptOrTruncatedInlineValue_isAWarning_neverAFailure() throws Exception {
    String image = ref("corrupt");
    ok(build(tmp.resolve("cold"), "--cache-to", "type=inline", "--push", "-t", image));
    String value = config(image).path(InlineCacheCodec.CONFIG_KEY).asText();
    String notBase64 = withInlineValue(image, value.substring(0, value.length() / 2 + 1));
    String truncatedJson =
        withInlineValue(
            image,
            java.util.Base64.getEncoder()
                .encodeToString(
                    java.util.Arrays.copyOf(
                        java.util.Base64.getDecoder().decode(value), value.length() / 3)));

    for (String bad : List.of(notBase64, truncatedJson)) {
      Kiln.Run r = ok(build(tmp.resolve("fresh-" + tagOf(bad)), "--cache-from", bad));
      assertThat(
              r.err().lines().filter(l -> l.contains("WARNING: cache " + bad + ": image config")))
          .as(r.err())
          .singleElement()
          .asString()
          .contains(InlineCacheCodec.CONFIG_KEY)
          .endsWith("(building without this cache)");
      assertThat(r.errors()).isEmpty();
      assertThat(steps(r)).as(r.err()).containsValue("DONE");
    }
  }

  /** Pushes the image of {@code ref} again under a new tag, its config's inline value replaced. */
  static String withInlineValue(String ref, String value) throws Exception {
    ObjectNode config = (ObjectNode) config(ref);
    config.put(InlineCacheCodec.CONFIG_KEY, value);
    byte[] bytes = JSON.writeValueAsBytes(config);
    String tag = "bad-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryClient c = client()) {
      ManifestContent m = c.pullManifest(repository(ref), tagOf(ref));
      ImageManifest manifest = (ImageManifest) Manifests.parse(m.bytes(), m.mediaType());
      c.pushBlob(repository(ref), BlobSource.of(bytes));
      Descriptor desc =
          Descriptor.of(manifest.config().mediaType(), Digests.sha256(bytes), bytes.length);
      ImageManifest changed =
          new ImageManifest(
              manifest.schemaVersion(),
              manifest.mediaType(),
              null,
              desc,
              manifest.layers(),
              null,
              Map.of());
      OciJson.Encoded e = OciJson.encode(changed);
      c.pushManifest(repository(ref), tag, e.bytes(), changed.mediaType());
    }
    return ref.substring(0, ref.lastIndexOf(':') + 1) + tag;
  }

  @Test
  void multiPlatformIndex_onlyThisPlatformsImageCacheIsUsed() throws Exception {
    // this machine's entry: an image whose builder output differs (src/a.txt changed); the other
    // platform's entry: the image of exactly this context, which must not be used
    String variant = ref("multi");
    Path other = writeContext(tmp.resolve("other/ctx"), "another alpha\n");
    ok(build(other, tmp.resolve("v"), "--cache-to", "type=inline", "--push", "-t", variant));
    String same = ref("multi");
    ok(build(tmp.resolve("s"), "--cache-to", "type=inline", "--push", "-t", same));
    String index = ref("multi");
    try (RegistryClient c = client()) {
      Platform here = Platform.current();
      Platform elsewhere =
          Platform.of("linux", here.architecture().equals("arm64") ? "amd64" : "arm64");
      ManifestContent forHere = c.pullManifest(repository(variant), tagOf(variant));
      ManifestContent forElsewhere = c.pullManifest(repository(same), tagOf(same));
      ImageIndex list =
          ImageIndex.oci(
              List.of(
                  entry(forElsewhere).withPlatform(elsewhere), entry(forHere).withPlatform(here)));
      OciJson.Encoded e = OciJson.encode(list);
      c.pushManifest(repository(index), tagOf(index), e.bytes(), list.mediaType());
    }

    Kiln.Run r = ok(build(tmp.resolve("fresh"), "--cache-from", index));

    assertThat(steps(r))
        .as(r.err())
        .containsEntry("[stage-1 2/7] COPY motd.txt /etc/motd", "CACHED")
        .containsEntry(
            "[stage-1 3/7] COPY --from=builder /work/joined.txt /work/size.txt /app/", "DONE");
  }

  private static Descriptor entry(ManifestContent m) {
    return Descriptor.of(m.mediaType(), Digests.sha256(m.bytes()), m.bytes().length);
  }

  @Test
  void everyImageOutputCarriesTheCache_zstdPushRebuildsFromItsOwnLayers() throws Exception {
    String image = ref("zstd");
    Path oci = tmp.resolve("image.oci.tar");
    Path cold = tmp.resolve("cold");
    ok(
        build(
            cold,
            "--cache-to",
            "type=inline",
            "-o",
            "type=image,push=true,compression=zstd,name=" + image,
            "-o",
            "type=oci,dest=" + oci));
    assertThat(config(image).has(InlineCacheCodec.CONFIG_KEY)).isTrue();
    Path layout = Files.createDirectories(tmp.resolve("layout"));
    sh("tar", "-xf", oci.toString(), "-C", layout.toString());
    JsonNode idx = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(layout, idx.path("manifests").get(0)).toFile());
    JsonNode config = JSON.readTree(blob(layout, manifest.path("config")).toFile());
    // gzip in the tar, zstd in the registry: the same records point at each image's own layers
    assertThat(config.path(InlineCacheCodec.CONFIG_KEY).asText())
        .isEqualTo(config(image).path(InlineCacheCodec.CONFIG_KEY).asText());

    Kiln.Run r =
        ok(
            build(
                tmp.resolve("fresh"),
                "--cache-from",
                image,
                "--cache-to",
                "type=inline",
                "-o",
                "type=image,push=true,compression=zstd,name=" + image));
    assertThat(steps(r)).as(r.err()).allSatisfy((n, s) -> assertThat(s).isEqualTo("CACHED"));
    assertThat(imageDigest(tmp.resolve("fresh"))).isEqualTo(imageDigest(cold));
  }

  @Test
  void load_dockerRunsTheImage_andKeepsItsInlineCache() throws Exception {
    String name = "kiln-it/inline-load:" + UUID.randomUUID().toString().substring(0, 8);
    ok(build(tmp.resolve("cold"), "--cache-to", "type=inline", "--load", "-t", name));
    try {
      assertThat(sh("docker", "run", "--rm", "--network=none", name))
          .isEqualTo("hello\n17 joined.txt\n");
      Path saved = tmp.resolve("saved.tar");
      sh("docker", "save", "-o", saved.toString(), name);
      Path dir = Files.createDirectories(tmp.resolve("saved"));
      sh("tar", "-xf", saved.toString(), "-C", dir.toString());
      JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile()).get(0);
      JsonNode config = JSON.readTree(dir.resolve(manifest.path("Config").asText()).toFile());
      assertThat(InlineCacheCodec.decode(config.path(InlineCacheCodec.CONFIG_KEY).asText()))
          .isNotEmpty();
    } finally {
      ProcessRunner.of("docker", "rmi", "-f", name).run();
    }
  }

  private static Path blob(Path layout, JsonNode descriptor) {
    String digest = descriptor.path("digest").asText();
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  @Test
  void inlineWithoutAnImageOutput_isAnErrorBeforeAnythingRuns() throws Exception {
    Path dest = tmp.resolve("out");
    Kiln.Run local =
        build(tmp.resolve("root"), "--cache-to", "type=inline", "-o", "type=local,dest=" + dest);
    assertThat(local.exitCode()).isNotZero();
    assertThat(local.errors())
        .containsExactly(
            "ERROR: --cache-to type=inline: the cache goes into the config of the exported image,"
                + " but this build writes only local "
                + dest
                + "; add -t NAME --push, --load or --output type=image|oci|docker, or use"
                + " --cache-to type=registry,ref=REF or type=local,dest=DIR");
    assertThat(local.err()).doesNotContain("RUN cat");
    assertThat(dest).doesNotExist();

    Kiln.Run none = build(tmp.resolve("root"), "--cache-to", "type=inline");
    assertThat(none.exitCode()).isNotZero();
    assertThat(none.err()).contains("this build has no output").doesNotContain("RUN cat");
  }
}
