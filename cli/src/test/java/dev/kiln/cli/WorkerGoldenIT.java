package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.layout.OciLayout;
import dev.kiln.testsupport.BusyboxContext;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker's identities do not drift: a fixed multi-stage workload (busybox base from an OCI
 * layout, RUN creating, deleting and replacing files and directories, COPY from the context and
 * from another stage, ADD of an archive, a here-document, WORKDIR on a missing and on an existing
 * directory, COPY --link, COPY --chown) built under {@code SOURCE_DATE_EPOCH} from a clean root
 * gives exactly the cache keys (the journal's result ids and links, under the default {@code
 * --cache-keys buildkit-v0.32}, whose content keys hash the snapshots the worker keeps) and the
 * exported diffIDs and image digests recorded in {@code
 * src/test/resources/golden/worker-<snapshotter>.txt} by the worker before stacked snapshots and
 * lazy blobs (issue 8), and re-recorded once when gzip segments changed the base image's gzip blob
 * and so its manifest digest, which image root keys are made of (diffIDs and image digests stayed).
 * The base image and the outputs are written uncompressed so the recorded digests depend only on
 * the tar bytes, not on the gzip implementation.
 *
 * <p>To re-record after a deliberate change of identities, run with {@code
 * -Dkiln.golden.update=true} and commit the new files with the reason.
 */
class WorkerGoldenIT {

  static final String EPOCH = "1700000000";

  static final String DOCKERFILE =
      """
      ARG BASE
      FROM ${BASE} AS builder
      RUN mkdir -p /src/sub /src/gone && echo hello > /src/a.txt && seq 1 500 > /src/sub/nums \\
          && ln -s a.txt /src/link && echo bye > /src/gone/x && rm /etc/group
      RUN rm -rf /src/gone /tmp && mkdir /tmp && chmod 1777 /tmp && echo t > /tmp/t
      WORKDIR /work
      COPY app/ ./app/
      ADD files.tar /unpacked/
      COPY <<EOF /work/generated.txt
      generated
      EOF
      RUN cat app/config.txt > /src/config.copy && chmod 600 /src/a.txt

      FROM scratch AS files
      COPY --link app/config.txt /cfg/

      FROM ${BASE}
      COPY --from=builder /src/ /data/
      WORKDIR /data
      COPY --link --from=files /cfg /cfg
      WORKDIR /app
      COPY --chown=app:app app/ /app/
      RUN echo final > /app/final.txt && rm /data/a.txt
      """;

  @TempDir static Path shared;
  static Path base;
  static Path context;

  @TempDir Path tmp;

  @BeforeAll
  static void baseImageAndContext() throws Exception {
    Tools.require("runc");
    Path layout = shared.resolve("base");
    Kiln.Run b =
        Kiln.run(
            shared,
            Map.of("SOURCE_DATE_EPOCH", EPOCH),
            "build",
            "--root",
            shared.resolve("base-root").toString(),
            "--progress=plain",
            "-o",
            "type=oci,tar=false,compression=uncompressed,dest=" + layout,
            BusyboxContext.create(shared.resolve("busybox")).toString());
    assertThat(b.exitCode()).as(b.err()).isZero();
    base = layout;
    context = workloadContext(shared.resolve("ctx"));
  }

  /** The build context of the workload: a few files and a tar archive for ADD. */
  static Path workloadContext(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("app/lib"));
    Files.writeString(dir.resolve("app/config.txt"), "mode=golden\n");
    Files.writeString(dir.resolve("app/lib/util.sh"), "echo util\n");
    Files.writeString(dir.resolve("app/run.sh"), "#!/bin/sh\necho run\n");
    Path src = Files.createDirectories(dir.resolve("archive-src/pkg"));
    Files.writeString(src.resolve("one.txt"), "one\n");
    Files.writeString(src.resolve("two.txt"), "two\n");
    ProcessRunner.of(
            "tar",
            "--sort=name",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "--mtime=@1600000000",
            "-C",
            dir.resolve("archive-src").toString(),
            "-cf",
            dir.resolve("files.tar").toString(),
            "pkg")
        .run()
        .assertSuccess();
    Files.writeString(dir.resolve(".dockerignore"), "archive-src\n");
    Files.writeString(dir.resolve("Dockerfile"), DOCKERFILE);
    return dir;
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "native"})
  void build_fixedWorkload_keysDiffIdsAndDigestsAsRecorded(String snapshotter) throws Exception {
    Path root = tmp.resolve("root");
    String actual = record(snapshotter, root, tmp);

    Path golden = Path.of("src/test/resources/golden/worker-" + snapshotter + ".txt");
    if (Boolean.getBoolean("kiln.golden.update")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(golden));
  }

  /**
   * Builds the workload (final image, then the builder stage) into {@code root} and returns the
   * golden text: cache keys from the journal, then per image its digests and diffIDs.
   */
  static String record(String snapshotter, Path root, Path out) throws Exception {
    StringBuilder sb = new StringBuilder("# kiln worker golden, snapshotter " + snapshotter + "\n");
    List<String> images = new ArrayList<>();
    for (String target : new String[] {"final", "builder"}) {
      Path dest = out.resolve("image-" + target);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "build",
                  "--root",
                  root.toString(),
                  "--progress=plain",
                  "--snapshotter=" + snapshotter,
                  "--build-arg",
                  "BASE=oci-layout://" + base,
                  "-o",
                  "type=oci,tar=false,compression=uncompressed,dest=" + dest));
      if (!target.equals("final")) {
        args.add("--target=" + target);
      }
      args.add(context.toString());
      Kiln.Run r = Kiln.run(out, Map.of("SOURCE_DATE_EPOCH", EPOCH), args.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.err()).isZero();
      images.add(image(target, dest));
    }
    sb.append(keys(root));
    images.forEach(sb::append);
    return sb.toString();
  }

  /** The result ids and links of the cache journal(s) under {@code root}, sorted. */
  static String keys(Path root) throws IOException {
    ObjectMapper json = new ObjectMapper();
    TreeSet<String> lines = new TreeSet<>();
    List<Path> journals;
    try (Stream<Path> s = Files.list(root)) {
      journals =
          s.map(d -> d.resolve("cache.journal")).filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(journals).as("cache journals under %s", root).hasSize(1);
    for (String line : Files.readAllLines(journals.get(0), StandardCharsets.UTF_8)) {
      JsonNode r = json.readTree(line.substring(9));
      switch (r.path("t").asText()) {
        case "result" -> lines.add("key result " + r.path("id").asText());
        case "link" ->
            lines.add(
                "key link "
                    + String.join(
                        " ",
                        r.path("p").asText(),
                        r.path("i").asText(),
                        r.path("d").asText(),
                        "[" + r.path("s").asText() + "]",
                        r.path("c").asText()));
        default -> {
          // header and record kinds that carry no key
        }
      }
    }
    return String.join("\n", lines) + "\n";
  }

  /** Digests and diffIDs of the single image in an OCI layout directory. */
  static String image(String name, Path layoutDir) throws IOException {
    OciLayout layout = OciLayout.open(layoutDir);
    Descriptor top = layout.index().manifests().get(0);
    ImageManifest m = (ImageManifest) layout.readManifest(top);
    ImageConfig config = OciJson.parse(layout.readBlob(m.config()), ImageConfig.class);
    StringBuilder sb = new StringBuilder();
    sb.append("image ")
        .append(name)
        .append(" manifest ")
        .append(top.digest())
        .append(" config ")
        .append(m.config().digest())
        .append('\n');
    List<Digest> diffIds = config.diffIds();
    for (int i = 0; i < diffIds.size(); i++) {
      sb.append("diffid ").append(name).append(' ').append(i).append(' ').append(diffIds.get(i));
      sb.append('\n');
    }
    return sb.toString();
  }
}
