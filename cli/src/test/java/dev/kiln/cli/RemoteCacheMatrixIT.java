package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.oci.MediaTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The round-trip matrix of issue 9: mode × compression × oci-mediatypes × image-manifest (every
 * valid combination). Cold build of a multi-stage Dockerfile with RUN and COPY exporting the cache
 * → skopeo reads the cache's media types → a fresh {@code --root} rebuild with {@code --cache-from}
 * shows every step CACHED, runs no RUN, and writes the same image digest ({@code SOURCE_DATE_EPOCH}
 * set).
 */
class RemoteCacheMatrixIT extends BusyboxRegistry.Fixture {

  @TempDir Path tmp;
  Path context;

  @BeforeAll
  static void tools() {
    dev.kiln.testsupport.Tools.require("skopeo");
  }

  @BeforeEach
  void writeContext() throws Exception {
    context = Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(context.resolve("Dockerfile"), RemoteCacheIT.DOCKERFILE);
    Files.createDirectories(context.resolve("src"));
    Files.writeString(context.resolve("src/a.txt"), "alpha\n");
    Files.writeString(context.resolve("src/b.txt"), "beta\n");
    Files.writeString(context.resolve("motd.txt"), "welcome\n");
  }

  static Stream<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    for (String mode : List.of("min", "max")) {
      for (String compression : List.of("gzip", "zstd", "uncompressed")) {
        out.add(Arguments.of(mode, compression, true, true));
        out.add(Arguments.of(mode, compression, true, false));
        out.add(Arguments.of(mode, compression, false, false));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "mode={0} compression={1} oci-mediatypes={2} image-manifest={3}")
  @MethodSource("matrix")
  void coldExport_freshRootImport_everyStepCachedSameImage(
      String mode, String compression, boolean oci, boolean imageManifest) throws Exception {
    String ref =
        host
            + "/kiln-it/matrix:"
            + mode
            + "-"
            + compression
            + "-"
            + oci
            + "-"
            + imageManifest
            + "-"
            + UUID.randomUUID().toString().substring(0, 6);
    String cacheTo =
        "type=registry,ref="
            + ref
            + ",mode="
            + mode
            + ",compression="
            + compression
            + ",oci-mediatypes="
            + oci
            + ",image-manifest="
            + imageManifest;
    Path meta1 = tmp.resolve("cold.json");
    Kiln.Run cold =
        RemoteCacheIT.ok(
            RemoteCacheIT.build(
                context,
                tmp.resolve("root-cold"),
                "--cache-to",
                cacheTo,
                "-o",
                "type=oci,compression=gzip,force-compression=true,dest=" + tmp.resolve("cold.tar"),
                "--metadata-file",
                meta1.toString()));
    assertThat(cold.dockerfileSteps()).as(cold.err()).containsValue("DONE");

    JsonNode raw = RemoteCacheIT.skopeoRaw(ref);
    String top =
        imageManifest
            ? MediaTypes.OCI_MANIFEST
            : oci ? MediaTypes.OCI_INDEX : MediaTypes.DOCKER_MANIFEST_LIST;
    assertThat(raw.path("mediaType").asText()).isEqualTo(top);
    List<JsonNode> layers = new ArrayList<>();
    if (imageManifest) {
      assertThat(raw.path("config").path("mediaType").asText())
          .isEqualTo(MediaTypes.BUILDKIT_CACHE_CONFIG);
      raw.path("layers").forEach(layers::add);
    } else {
      JsonNode entries = raw.path("manifests");
      assertThat(entries.get(entries.size() - 1).path("mediaType").asText())
          .isEqualTo(MediaTypes.BUILDKIT_CACHE_CONFIG);
      for (int i = 0; i < entries.size() - 1; i++) {
        layers.add(entries.get(i));
      }
    }
    MediaTypes.Compression wanted =
        MediaTypes.Compression.valueOf(compression.toUpperCase(Locale.ROOT));
    // layers kiln built are in the wanted compression; the base image's keeps its gzip
    Set<String> allowed =
        new HashSet<>(
            List.of(
                MediaTypes.layerType(wanted, oci),
                MediaTypes.layerType(MediaTypes.Compression.GZIP, oci)));
    Set<String> seen = new HashSet<>();
    for (JsonNode l : layers) {
      seen.add(l.path("mediaType").asText());
      assertThat(l.path("annotations").path("containerd.io/uncompressed").asText())
          .startsWith("sha256:");
      assertThat(l.path("annotations").path("buildkit/createdat").asText()).isNotEmpty();
    }
    assertThat(allowed).containsAll(seen);
    assertThat(seen).contains(MediaTypes.layerType(wanted, oci));

    Path meta2 = tmp.resolve("warm.json");
    Kiln.Run warm =
        RemoteCacheIT.ok(
            RemoteCacheIT.build(
                context,
                tmp.resolve("root-warm"),
                "--cache-from",
                ref,
                "-o",
                "type=oci,compression=gzip,force-compression=true,dest=" + tmp.resolve("warm.tar"),
                "--metadata-file",
                meta2.toString()));
    // every step shown is CACHED; with min the builder stage is not even looked at (the final
    // stage's records hit, and a hit needs only its inputs' keys)
    assertThat(warm.dockerfileSteps())
        .as(warm.err())
        .containsKeys(
            "[stage-1 2/4] COPY motd.txt /etc/motd",
            "[stage-1 3/4] COPY --from=builder /work/joined.txt /work/size.txt /app/",
            "[stage-1 4/4] RUN cat /app/size.txt > /app/report.txt")
        .allSatisfy((step, state) -> assertThat(state).as(step).isEqualTo("CACHED"));
    assertThat(warm.executed()).containsExactly("[internal] load build context");
    assertThat(RemoteCacheIT.imageDigest(meta2)).isEqualTo(RemoteCacheIT.imageDigest(meta1));
  }
}
