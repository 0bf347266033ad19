package dev.kiln.frontend.dockerfile.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.cache.buildkit.BuildkitHints;
import dev.kiln.core.cache.buildkit.BuildkitKeys;
import dev.kiln.core.cache.buildkit.ChecksumTree;
import dev.kiln.core.cache.buildkit.MemoryTree;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.pattern.IgnoreFile;
import dev.kiln.frontend.dockerfile.convert.ConversionRequest;
import dev.kiln.frontend.dockerfile.convert.ConversionResult;
import dev.kiln.frontend.dockerfile.convert.DockerfileConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interop workloads (../shared/vectors/buildkit-v0.11/interop/w1, w2: ARG, ENV, WORKDIR, COPY
 * of files and a directory, COPY --from, RUN) through kiln's frontend and {@link
 * BuildkitKeys#V0_11}: every one of the 17 records of each BuildKit-written {@code type=local}
 * cache, with its links. The RUN env needs the frontend's BuildKit order (ARG before ENV).
 */
class InteropKeysTest {

  @TempDir Path tmp;

  private static final String SEQ100 =
      IntStream.rangeClosed(1, 100).mapToObj(Integer::toString).collect(Collectors.joining("\n"))
          + "\n";

  private BuildkitRecords records(String workload) throws Exception {
    Path interop = Vectors.root().resolve("interop");
    Path w = interop.resolve(workload);
    Path context =
        Vectors.context(
            w,
            tmp.resolve(workload),
            List.of("readme.txt", "conf/a.conf", "conf/b.conf", "run.sh", "late.txt"),
            Map.of("run.sh", 0755));
    Path blobs = interop.resolve("base/blobs/sha256");
    Path manifest =
        blobs.resolve("3fda7b32f0856d2e7a9a8f3698450d6c300aa4e77b2ef81beb713e84e4e52a18");
    Path config = blobs.resolve("3e698f11be62d86958b44fb4289c6f2bbfbb10b50e3000660790ab35ac829dd1");
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                    Files.readString(w.resolve("Dockerfile")),
                    Vectors.AMD64,
                    Vectors.resolver(config))
                .withExcludes(IgnoreFile.read(Files.readString(w.resolve(".dockerignore")))));
    // the tool stage's RUN output, as root with umask 022
    ChecksumTree tool =
        new MemoryTree()
            .dir("/out", 0755, 0, 0)
            .file("/out/tool.txt", 0644, "tool-v1\n")
            .file("/out/seq100.txt", 0644, SEQ100);
    return BuildkitRecords.of(
        r.definition(),
        BuildkitKeys.V0_11,
        Map.of(Vectors.BASE_REF, Vectors.image(manifest, config)),
        context,
        v -> BuildkitVectorsTest.command(v).startsWith("mkdir -p /out") ? tool : null);
  }

  private static Map<String, Set<BuildkitRecords.Link>> exported(String cache, String configBlob)
      throws Exception {
    Path blob =
        Vectors.root()
            .resolve("interop")
            .resolve(cache)
            .resolve("blobs/sha256")
            .resolve(configBlob);
    JsonNode config = BuildkitRecords.JSON.readTree(blob.toFile());
    return BuildkitRecords.exported(config.get("records"));
  }

  private void assertAll17(String workload, String cache, String configBlob) throws Exception {
    Map<String, Set<BuildkitRecords.Link>> theirs = exported(cache, configBlob);
    BuildkitRecords ours = records(workload);

    assertThat(theirs).hasSize(17);
    for (Map.Entry<String, Set<BuildkitRecords.Link>> e : theirs.entrySet()) {
      assertThat(ours.records.get(e.getKey())).as("links of " + e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void w1_all17RecordsAndLinks_equal() throws Exception {
    assertAll17(
        "w1", "w1-cache", "65a547c6e3eaf9795af8c8628e27d7a7e51b29664e65b3e85fc17cb5036ea15f");
  }

  @Test
  void w2_all17RecordsAndLinks_equal() throws Exception {
    assertAll17(
        "w2", "w2-cache", "d80839e05df9412447daafa846137d49613e2706c0d1603f323d9c197406c0ed");
  }

  @Test
  void runEnv_inBuildkitOrder() throws Exception {
    Path w = Vectors.root().resolve("interop/w1");
    Path config =
        Vectors.root()
            .resolve(
                "interop/base/blobs/sha256/3e698f11be62d86958b44fb4289c6f2bbfbb10b50e3000660790ab35ac829dd1");
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                Files.readString(w.resolve("Dockerfile")),
                Vectors.AMD64,
                Vectors.resolver(config)));
    Vertex run =
        r.definition().vertices().stream()
            .filter(v -> BuildkitVectorsTest.command(v).startsWith("echo \"$GREETING"))
            .findFirst()
            .orElseThrow();

    // the RUN env is in BuildKit's order itself, so no hint is recorded
    assertThat(((dev.kiln.core.graph.ExecOp) run.op()).meta().env())
        .containsExactly("PATH=/bin", "GREETING=hello", "APP_MODE=test");
    assertThat(run.metadata().description()).doesNotContainKey(BuildkitHints.ENV);
  }
}
