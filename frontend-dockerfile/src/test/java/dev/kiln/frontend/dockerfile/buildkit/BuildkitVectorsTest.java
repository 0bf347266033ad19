package dev.kiln.frontend.dockerfile.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.cache.buildkit.BuildkitKeys;
import dev.kiln.core.cache.buildkit.ChecksumTree;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.frontend.dockerfile.convert.ConversionRequest;
import dev.kiln.frontend.dockerfile.convert.ConversionResult;
import dev.kiln.frontend.dockerfile.convert.DockerfileConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workload of ../shared/vectors/buildkit-v0.11 built through kiln's Dockerfile frontend and
 * {@link BuildkitKeys#V0_11} gives, in every one of the 21 cases (registry and inline caches), the
 * record digests and links BuildKit v0.11.6 exported: 357 of 378 records, all but the one content
 * key per case over the builder stage's random output (its bytes are not in the vectors).
 */
class BuildkitVectorsTest {

  private static final String SRC_COPY =
      "sha256:04a19549b538a926de6ec738e8b6a1e8301d4e549b37d4171c6e4e8417db55a5";

  @TempDir Path tmp;

  private BuildkitRecords records(String version) throws Exception {
    Path v = Vectors.root();
    Path work = v.resolve("workload").resolve(version);
    Path context =
        Vectors.context(
            work, tmp.resolve(version), List.of("app.conf", "motd.txt", "hello.txt"), Map.of());
    Path config = v.resolve("base-image/image-config.json");
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                Files.readString(work.resolve("Dockerfile")),
                Vectors.AMD64,
                Vectors.resolver(config)));
    ResolvedImage base = Vectors.image(v.resolve("base-image/image-manifest.json"), config);
    byte[] conf = Files.readAllBytes(work.resolve("app.conf"));
    ChecksumTree second = Vectors.secondStageOutput(conf);
    return BuildkitRecords.of(
        r.definition(),
        BuildkitKeys.V0_11,
        Map.of(Vectors.BASE_REF, base),
        context,
        vertex -> command(vertex).contains("mkdir -p /opt/second") ? second : null);
  }

  static String command(Vertex v) {
    if (v.op() instanceof ExecOp e) {
      List<String> args = e.meta().args();
      return args.get(args.size() - 1);
    }
    return "";
  }

  @Test
  void allCases_everyReproducibleRecordAndLink_equal() throws Exception {
    Map<String, BuildkitRecords> byContext = Map.of("v1", records("v1"), "v2", records("v2"));
    int total = 0;
    int recomputed = 0;
    List<String> cases = new ArrayList<>();
    try (var dirs = Files.list(Vectors.root())) {
      for (Path c : dirs.sorted().toList()) {
        Path config = c.resolve("cache-config.json");
        Path inline = c.resolve("inline-cache-decoded.json");
        JsonNode recs;
        if (Files.exists(config)) {
          recs = BuildkitRecords.JSON.readTree(config.toFile()).get("records");
        } else if (Files.exists(inline)) {
          recs = BuildkitRecords.JSON.readTree(inline.toFile());
        } else {
          continue;
        }
        cases.add(c.getFileName().toString());
        // s3-v2-reexport built workload/v2 (hello.txt changed); every other case workload/v1
        String ctx = c.getFileName().toString().equals("s3-v2-reexport") ? "v2" : "v1";
        Map<String, Set<BuildkitRecords.Link>> ours = byContext.get(ctx).records;
        Map<String, Set<BuildkitRecords.Link>> theirs = BuildkitRecords.exported(recs);
        total += theirs.size();
        Set<String> missing = new HashSet<>(theirs.keySet());
        missing.removeAll(ours.keySet());
        // exactly one record is not reproducible: the content key of builder:/src
        assertThat(missing).as(c + ": records not recomputed").hasSize(1);
        String src = missing.iterator().next();
        assertThat(theirs.get(src)).isEmpty();
        assertThat(theirs.get(SRC_COPY)).contains(new BuildkitRecords.Link(1, src, null));
        for (Map.Entry<String, Set<BuildkitRecords.Link>> e : theirs.entrySet()) {
          if (e.getKey().equals(src)) {
            continue;
          }
          Set<BuildkitRecords.Link> expected = new HashSet<>(e.getValue());
          expected.removeIf(l -> l.parent().equals(src));
          assertThat(ours.get(e.getKey())).as(c + ": links of " + e.getKey()).isEqualTo(expected);
          recomputed++;
        }
      }
    }
    assertThat(cases).hasSize(21);
    assertThat(total).isEqualTo(378);
    assertThat(recomputed).isEqualTo(357);
  }

  @Test
  void workloadV2V3_contentKeysChangeAndOpRecordsStay() throws Exception {
    BuildkitRecords v1 = records("v1");
    BuildkitRecords v2 = records("v2");
    BuildkitRecords v3 = records("v3");

    // v2 changes hello.txt: recipe §6.3 gives its content key
    assertThat(v2.records)
        .containsKey("sha256:3b9505168f849bd38f899fae13bddf3856e9efd0ec61bce77c294cfdb990a1ab");
    Set<String> changed = new HashSet<>(v1.records.keySet());
    changed.removeAll(v3.records.keySet());
    // v3 changes motd.txt: only its content key differs
    assertThat(changed)
        .containsExactly("sha256:5154fc51bae0a5a4bc8282ca2099fe492897755b29d73d992b19656222fcc860");
    assertThat(v3.records)
        .containsKey("sha256:3b694ab9414d4d92db862a4a00b472c585e4de5d29527ce87fe29f7de97d05bf");
  }
}
