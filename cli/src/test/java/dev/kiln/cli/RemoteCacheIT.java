package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.layout.OciLayout;
import dev.kiln.testsupport.AccessLogEntry;
import dev.kiln.testsupport.CacheManifestJson;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.FaultRule;
import dev.kiln.testsupport.Tools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
      Pattern.compile(
          "(\\d+) layers: (\\d+) uploaded \\((\\d+) bytes\\), (\\d+) already present, (\\d+)"
              + " mounted");

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
    return buildUnder(EPOCH, context, root, extra);
  }

  static Kiln.Run buildUnder(String epoch, Path context, Path root, String... extra) {
    List<String> args = new ArrayList<>(List.of("build", "--root", root.toString()));
    args.add("--progress=plain");
    args.add("--build-arg");
    args.add("BASE=" + base);
    args.addAll(List.of(extra));
    args.add(context.toString());
    return Kiln.run(
        context.getParent(), Map.of("SOURCE_DATE_EPOCH", epoch), args.toArray(String[]::new));
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

  /** {layers, uploaded, bytes, present, mounted} of each export summary line, in order. */
  static List<long[]> summaries(Kiln.Run r) {
    Matcher m = SUMMARY.matcher(r.err());
    List<long[]> out = new ArrayList<>();
    while (m.find()) {
      out.add(
          new long[] {
            Long.parseLong(m.group(1)),
            Long.parseLong(m.group(2)),
            Long.parseLong(m.group(3)),
            Long.parseLong(m.group(4)),
            Long.parseLong(m.group(5))
          });
    }
    assertThat(out).as(r.err()).isNotEmpty();
    return out;
  }

  /** {layers, uploaded, bytes, present, mounted} of the (first) export summary line. */
  static long[] summary(Kiln.Run r) {
    return summaries(r).get(0);
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
  void coldExport_sendsLayersWhileTheyAreWritten_andSendsThemAgainWhenTheStreamFails()
      throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String streamed = proxy.hostPort() + "/kiln-it/streamed:" + tag;
    proxy.clearAccessLog();
    Kiln.Run cold =
        ok(build(tmp.resolve("cold"), "--cache-to", "type=registry,ref=" + streamed + ",mode=max"));
    long uploaded = summary(cold)[1];
    assertThat(uploaded).as(cold.err()).isPositive();
    List<AccessLogEntry> patches =
        proxy.accessLog().stream()
            .filter(e -> e.method().equals("PATCH") && e.path().contains("/streamed/blobs/"))
            .toList();
    // every layer the build made is streamed (the base image's layer, which lives in another
    // registry name, is sent whole)
    assertThat(patches).isNotEmpty().hasSizeLessThanOrEqualTo((int) uploaded);
    assertThat(patches).allSatisfy(e -> assertThat(e.status()).isEqualTo(202));
    List<String> committed =
        proxy.accessLog().stream()
            .filter(e -> e.method().equals("PUT") && e.status() == 201)
            .map(AccessLogEntry::path)
            .toList();
    assertThat(committed)
        .as("each stream committed under its digest")
        .containsAll(patches.stream().map(AccessLogEntry::path).toList());
    // every streamed blob reads back from the cache whole: an image built from it alone
    ok(
        build(
            tmp.resolve("fresh"),
            "--cache-from",
            streamed,
            "-o",
            "type=oci,dest=" + tmp.resolve("streamed.tar")));
    assertThat(tmp.resolve("streamed.tar")).isNotEmptyFile();

    // A registry (or proxy) that refuses stream uploads: each layer is sent again when finished.
    String refused = proxy.hostPort() + "/kiln-it/refused:" + tag;
    proxy.addRule(
        FaultRule.on("PATCH", "/v2/kiln-it/refused/blobs/uploads/.*").always().respond(500));
    proxy.clearAccessLog();
    Kiln.Run again =
        ok(build(tmp.resolve("cold2"), "--cache-to", "type=registry,ref=" + refused + ",mode=max"));
    assertThat(summary(again)[1]).as(again.err()).isEqualTo(uploaded);
    assertThat(
            proxy.accessLog().stream()
                .filter(
                    e ->
                        e.method().equals("PUT")
                            && e.path().contains("/refused/blobs/uploads/")
                            && e.status() == 201))
        .as("each layer stored by a whole upload after its stream failed")
        .hasSizeGreaterThanOrEqualTo((int) uploaded);
    JsonNode m = CacheManifestJson.inspectRaw(refused.replace(proxy.hostPort(), host));
    assertThat(m.path("layers").size()).isPositive();
    ok(
        build(
            tmp.resolve("fresh2"),
            "--cache-from",
            refused,
            "-o",
            "type=oci,dest=" + tmp.resolve("refused.tar")));
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

  @ParameterizedTest(name = "exported under {0}, imported under {1}")
  @CsvSource({"1600000000, 1700000000", "1700000000, 1600000000"})
  void cacheExportedUnderOneEpoch_hitsEveryStepUnderAnother_imageClampedToTheNewEpoch(
      String exportEpoch, String importEpoch) throws Exception {
    String cache = ref("epoch");
    ok(
        buildUnder(
            exportEpoch,
            context,
            tmp.resolve("cold"),
            "--cache-to",
            "type=registry,ref=" + cache + ",mode=max"));

    Path image = tmp.resolve("image");
    Kiln.Run r =
        ok(
            buildUnder(
                importEpoch,
                context,
                tmp.resolve("fresh"),
                "--cache-from",
                cache,
                "-o",
                "type=oci,tar=false,dest=" + image));

    assertThat(r.dockerfileSteps())
        .as(r.err())
        .containsKeys(
            "[builder 4/5] RUN cat src/a.txt src/b.txt > joined.txt && echo built >> joined.txt",
            "[builder 5/5] RUN wc -c joined.txt > size.txt",
            "[stage-1 4/4] RUN cat /app/size.txt > /app/report.txt")
        .allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo("CACHED"));
    assertThat(r.executed()).as(r.err()).noneMatch(n -> n.contains("RUN"));
    assertAddedLayersClampedTo(image, 3, Long.parseLong(importEpoch));
  }

  /**
   * Asserts that the image in a layout dir has {@code count} layers over the base image's and that
   * every entry of those has an mtime (epoch seconds) of at most {@code limit}.
   */
  static void assertAddedLayersClampedTo(Path layoutDir, int count, long limit) throws Exception {
    Set<String> baseLayers = new HashSet<>();
    CacheManifestJson.inspectRaw(base)
        .path("layers")
        .forEach(l -> baseLayers.add(l.path("digest").asText()));
    Map<String, List<Long>> mtimes = layerMtimes(layoutDir, baseLayers);
    assertThat(mtimes).as("layers this build added").hasSize(count);
    mtimes.forEach(
        (layer, times) -> assertThat(times).as(layer).isNotEmpty().allMatch(t -> t <= limit));
  }

  /**
   * The mtime (epoch seconds) of every entry of every layer of the image in a layout dir, by layer
   * digest, without the layers in {@code skip}.
   */
  private static Map<String, List<Long>> layerMtimes(Path layoutDir, Set<String> skip)
      throws Exception {
    OciLayout layout = OciLayout.open(layoutDir);
    ImageManifest m = (ImageManifest) layout.readManifest(layout.index().manifests().get(0));
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (Descriptor l : m.layers()) {
      if (skip.contains(l.digest().toString())) {
        continue;
      }
      List<Long> times = new ArrayList<>();
      try (InputStream in = layout.openBlob(l.digest());
          TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          times.add(e.getLastModifiedTime().toInstant().getEpochSecond());
        }
      }
      out.put(l.digest().toString(), times);
    }
    return out;
  }

  @Test
  void remoteHit_isCached_andItsLaterDownloadIsALineOfItsOwnWithBytes_plainAndRawjson()
      throws Exception {
    String cache = ref("download");
    ok(build(tmp.resolve("cold"), "--cache-to", "type=registry,ref=" + cache + ",mode=max"));
    // the final stage's COPY --from=builder must run, so the builder's cached layers are fetched
    Files.writeString(context.resolve("motd.txt"), "welcome again\n");

    Kiln.Run plain = ok(build(tmp.resolve("plain"), "--cache-from", cache));
    assertThat(plain.dockerfileSteps())
        .as(plain.err())
        .containsEntry("[builder 5/5] RUN wc -c joined.txt > size.txt", "CACHED")
        .containsEntry(
            "[stage-1 3/4] COPY --from=builder /work/joined.txt /work/size.txt /app/", "DONE");
    String from = " from registry " + cache;
    Map<String, String> downloads = new LinkedHashMap<>();
    plain
        .steps()
        .forEach(
            (name, state) -> {
              if (name.startsWith("downloading sha256:")) {
                downloads.put(name, state);
              }
            });
    assertThat(downloads)
        .as(plain.err())
        .isNotEmpty()
        .allSatisfy(
            (name, state) -> {
              assertThat(name).matches("downloading sha256:[0-9a-f]{64}" + Pattern.quote(from));
              assertThat(state).isEqualTo("DONE");
            });
    for (String name : downloads.keySet()) {
      String digest = name.substring("downloading ".length(), name.indexOf(' ', 12));
      String number = stepNumber(plain.err(), name);
      assertThat(plain.err().lines())
          .as(plain.err())
          .anyMatch(l -> l.matches("#" + number + " " + digest.substring(0, 19) + " \\S+ done"));
    }

    Kiln.Run raw =
        ok(
            Kiln.run(
                tmp,
                Map.of("SOURCE_DATE_EPOCH", EPOCH),
                "build",
                "--root",
                tmp.resolve("raw").toString(),
                "--progress=rawjson",
                "--build-arg",
                "BASE=" + base,
                "--cache-from",
                cache,
                context.toString()));
    Map<String, String> vertexNames = new HashMap<>();
    Set<String> cachedNames = new HashSet<>();
    Map<String, Long> doneBytes = new HashMap<>();
    for (String line : raw.err().lines().filter(l -> l.startsWith("{")).toList()) {
      JsonNode n = JSON.readTree(line);
      for (JsonNode v : n.path("vertexes")) {
        vertexNames.put(v.path("digest").asText(), v.path("name").asText());
        if (v.path("cached").asBoolean()) {
          cachedNames.add(v.path("name").asText());
        }
      }
      for (JsonNode st : n.path("statuses")) {
        if (st.has("total") && st.path("current").asLong() == st.path("total").asLong()) {
          doneBytes.put(st.path("vertex").asText(), st.path("total").asLong());
        }
      }
    }
    assertThat(cachedNames).contains("[builder 5/5] RUN wc -c joined.txt > size.txt");
    List<String> rawDownloads =
        vertexNames.entrySet().stream()
            .filter(e -> e.getValue().startsWith("downloading sha256:"))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(rawDownloads).as(raw.err()).hasSameSizeAs(downloads.keySet());
    assertThat(rawDownloads)
        .allSatisfy(
            v -> assertThat(doneBytes.get(v)).as(vertexNames.get(v)).isNotNull().isPositive());
  }

  /** The number of the plain-progress step named {@code name}. */
  private static String stepNumber(String err, String name) {
    Matcher m =
        Pattern.compile("^#(\\d+) " + Pattern.quote(name) + "$", Pattern.MULTILINE).matcher(err);
    assertThat(m.find()).as(err).isTrue();
    return m.group(1);
  }

  @Test
  void secondExportInAnotherProcess_convertsNothingMadeBefore_andSummarisesItsLayers()
      throws Exception {
    Path root = tmp.resolve("root");
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Kiln.Run gzip =
        ok(build(root, "--cache-to", "type=registry,ref=" + host + "/kiln-it/conv-g:" + tag));
    Map<Path, String> afterGzip = variantsAndBlobs(root);

    String zstdRef = host + "/kiln-it/conv-z:" + tag;
    Kiln.Run zstd =
        ok(build(root, "--cache-to", "type=registry,ref=" + zstdRef + ",compression=zstd"));
    Map<Path, String> afterZstd = variantsAndBlobs(root);
    assertThat(afterZstd).as("the zstd export made its variants").containsAllEntriesOf(afterGzip);
    assertThat(afterZstd.keySet())
        .as("the zstd export made its variants")
        .anyMatch(p -> p.getFileName().toString().startsWith("zstd-") && !afterGzip.containsKey(p));

    // again, in both compressions, to new tags and a new repository: every variant is reused
    Kiln.Run again =
        ok(
            build(
                root,
                "--cache-to",
                "type=registry,ref="
                    + host
                    + "/kiln-it/conv-z:again-"
                    + tag
                    + ",compression=zstd"));
    Kiln.Run otherRepo =
        ok(
            build(
                root,
                "--cache-to",
                "type=registry,ref=" + host + "/kiln-it/conv-other:" + tag + ",compression=zstd"));
    Kiln.Run gzipAgain =
        ok(build(root, "--cache-to", "type=registry,ref=" + host + "/kiln-it/conv-g:" + tag));
    assertThat(variantsAndBlobs(root)).isEqualTo(afterZstd);
    for (Kiln.Run r : List.of(zstd, again, otherRepo, gzipAgain)) {
      assertThat(r.executed()).as(r.err()).noneMatch(n -> n.contains("RUN"));
    }

    long[] first = summary(gzip);
    long[] z = summary(zstd);
    long[] sameRepo = summary(again);
    long[] other = summary(otherRepo);
    long[] g = summary(gzipAgain);
    // the base layer lives in kiln-it/busybox on the same registry: mounted, never uploaded
    assertThat(first[4]).as(gzip.err()).isEqualTo(1);
    assertThat(first[1]).isEqualTo(first[0] - 1);
    assertThat(z[0]).isEqualTo(first[0]);
    assertThat(z[1]).as(zstd.err()).isEqualTo(z[0] - 1);
    assertThat(z[4]).isEqualTo(1);
    assertThat(sameRepo[1]).as(again.err()).isZero();
    assertThat(sameRepo[2]).isZero();
    assertThat(sameRepo[3]).isEqualTo(sameRepo[0]);
    assertThat(other[1] + other[3] + other[4]).as(otherRepo.err()).isEqualTo(other[0]);
    assertThat(other[4]).isPositive();
    assertThat(g[1]).as(gzipAgain.err()).isZero();
    assertThat(g[3]).isEqualTo(g[0]);
  }

  /**
   * Every recorded layer variant ({@code worker/snapshots/ID/blobs/VARIANT.json}), conversion
   * record and content-store blob under {@code root}, with its modification time and file key: a
   * variant made again rewrites its record.
   */
  private static Map<Path, String> variantsAndBlobs(Path root) throws Exception {
    Map<Path, String> out = new TreeMap<>();
    for (Path dir :
        List.of(
            root.resolve("worker/snapshots"),
            root.resolve("worker/conversions"),
            root.resolve("content/blobs"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          boolean variant = p.getParent().getFileName().toString().equals("blobs");
          if (dir.endsWith("snapshots") && !variant) {
            continue;
          }
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          out.put(root.relativize(p), a.lastModifiedTime() + " " + a.fileKey());
        }
      }
    }
    return out;
  }
}
