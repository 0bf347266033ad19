package dev.kiln.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layouts written by kiln, read by the real skopeo and umoci binaries, and a layout written by
 * skopeo read by kiln.
 */
class OciLayoutIT {

  @TempDir Path dir;

  private record Result(int exit, String stdout, String stderr) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command));
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    byte[] err;
    try (InputStream o = p.getInputStream();
        InputStream e = p.getErrorStream()) {
      out = o.readAllBytes();
      err = e.readAllBytes();
    }
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish");
    }
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private static Result runOk(String... command) throws IOException, InterruptedException {
    Result r = run(command);
    assertThat(r.exit()).as("%s failed: %s", String.join(" ", command), r.stderr()).isZero();
    return r;
  }

  @Test
  void skopeoInspect_layoutDirectory_seesKilnImage() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    TestImage image = TestImage.writeTo(layout, "v1");

    Result r = runOk("skopeo", "inspect", "oci:" + layout.root() + ":v1");

    JsonNode json = OciJson.parseTree(r.stdout().getBytes(StandardCharsets.UTF_8));
    assertThat(json.path("Digest").asText()).isEqualTo(image.manifest().digest().toString());
    assertThat(json.path("Architecture").asText()).isEqualTo("amd64");
    assertThat(json.path("Os").asText()).isEqualTo("linux");
    assertThat(json.path("Created").asText()).startsWith("2024-01-01T00:00:00");
    List<String> layers = new ArrayList<>();
    json.path("Layers").forEach(n -> layers.add(n.asText()));
    assertThat(layers).containsExactly(image.layer().digest().toString());
  }

  @Test
  void skopeoInspect_layoutTar_seesKilnImage() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    TestImage image = TestImage.writeTo(layout, "v1");
    Path tar = dir.resolve("image.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      OciLayoutTar.write(layout, out);
    }

    Result r = runOk("skopeo", "inspect", "--raw", "oci-archive:" + tar + ":v1");

    assertThat(r.stdout().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(layout.readBlob(image.manifest()));
  }

  @Test
  void umociStat_layoutDirectory_showsHistory() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    TestImage.writeTo(layout, "v1");

    Result r = runOk("umoci", "stat", "--json", "--image", layout.root() + ":v1");

    JsonNode json = OciJson.parseTree(r.stdout().getBytes(StandardCharsets.UTF_8));
    assertThat(json.path("history").get(0).path("created_by").asText())
        .isEqualTo(TestImage.CREATED_BY);
  }

  @Test
  void skopeoCopy_toArchiveAndBack_kilnReadsAndVerifies() throws Exception {
    OciLayout layout = OciLayout.create(dir.resolve("layout"));
    TestImage image = TestImage.writeTo(layout, "v1");
    Path tar = dir.resolve("copied.tar");

    runOk(
        "skopeo",
        "--insecure-policy",
        "copy",
        "oci:" + layout.root() + ":v1",
        "oci-archive:" + tar + ":copied");
    OciLayout extracted;
    try (InputStream in = Files.newInputStream(tar)) {
      extracted = OciLayoutTar.extract(in, dir.resolve("extracted"));
    }

    Descriptor entry = extracted.resolve("copied").orElseThrow();
    ImageManifest manifest = (ImageManifest) extracted.readManifest(entry);
    assertThat(manifest.layers())
        .extracting(Descriptor::digest)
        .containsExactly(image.layer().digest());
    assertThat(extracted.readBlob(manifest.config())).isEqualTo(layout.readBlob(image.config()));
    assertThat(extracted.readBlob(manifest.layers().get(0)))
        .isEqualTo(layout.readBlob(image.layer()));
  }
}
