package dev.kiln.frontend.dockerfile.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.cache.buildkit.ChecksumTree;
import dev.kiln.core.cache.buildkit.MemoryTree;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.frontend.dockerfile.convert.ImageConfigResolver;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The BuildKit v0.11.6 reference vectors in {@code ../shared/vectors/buildkit-v0.11} (beside the
 * clone, as in CI) and the small things the tests build from them. Missing vectors fail the test.
 */
final class Vectors {

  static final Platform AMD64 = Platform.of("linux", "amd64");
  static final String BASE_REF = "127.0.0.1:5050/base/busybox:1";

  private Vectors() {}

  /** {@code ../shared/vectors/buildkit-v0.11}, required. */
  static Path root() {
    Path module = Path.of("").toAbsolutePath();
    Path dir = module.getParent().resolveSibling("shared").resolve("vectors/buildkit-v0.11");
    assertThat(dir)
        .as("the BuildKit vectors must be checked out at ../shared beside the clone")
        .isDirectory();
    return dir;
  }

  /** An image resolved from a manifest file and its config file. */
  static ResolvedImage image(Path manifest, Path config) throws IOException {
    byte[] m = Files.readAllBytes(manifest);
    byte[] c = Files.readAllBytes(config);
    JsonNode cfg = BuildkitRecords.JSON.readTree(c);
    List<Digest> diffIds = new ArrayList<>();
    cfg.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(Digest.parse(d.asText())));
    return new ResolvedImage(
        BASE_REF,
        Digests.sha256(m),
        Descriptor.of(
            "application/vnd.docker.distribution.manifest.v2+json", Digests.sha256(m), m.length),
        Descriptor.of(
            "application/vnd.docker.container.image.v1+json", Digests.sha256(c), c.length),
        AMD64,
        List.of(),
        diffIds);
  }

  /** A resolver answering every reference with {@code config}. */
  static ImageConfigResolver resolver(Path config) throws IOException {
    ImageConfig parsed = OciJson.parse(Files.readAllBytes(config), ImageConfig.class);
    return (ref, platform) -> parsed;
  }

  /**
   * Copies {@code files} (relative paths) from {@code from} into {@code to} with the modes a
   * checkout on the recording machine had (the vectors are stored read-only here): 0644, or the
   * given mode; directories 0755.
   */
  static Path context(Path from, Path to, List<String> files, Map<String, Integer> modes)
      throws IOException {
    Files.createDirectories(to);
    Files.setAttribute(to, "unix:mode", 0755);
    for (String f : files) {
      Path target = to.resolve(f);
      for (Path p = target.getParent(); !p.equals(to); p = p.getParent()) {
        if (!Files.isDirectory(p)) {
          Files.createDirectories(p);
        }
      }
      Files.copy(from.resolve(f), target);
      Files.setAttribute(target, "unix:mode", modes.getOrDefault(f, 0644));
    }
    try (var walk = Files.walk(to)) {
      for (Path p : walk.filter(Files::isDirectory).toList()) {
        Files.setAttribute(p, "unix:mode", 0755);
      }
    }
    return to;
  }

  /** The second stage's RUN output of the workload (as root, umask 022), given app.conf. */
  static ChecksumTree secondStageOutput(byte[] appConf) {
    return new MemoryTree()
        .dir("/opt/second", 0755, 0, 0)
        .file("/opt/second/filler.txt", 0644, "x".repeat(2097152))
        .file("/opt/second/conf.copy", 0644, 0, 0, appConf, Map.of());
  }

  /** Sets the xattr {@code user.NAME} on {@code file}. */
  static void userXattr(Path file, String name, String value) throws IOException {
    Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
        .write(
            name,
            java.nio.ByteBuffer.wrap(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
