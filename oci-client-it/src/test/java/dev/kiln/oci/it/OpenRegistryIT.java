package dev.kiln.oci.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.ManifestContent;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.UploadMode;
import dev.kiln.testsupport.AccessLogEntry;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.Tools;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real, open registry (Debian's distribution 2.8.2), with a pass-through proxy
 * in front whose access log shows which requests were made; skopeo and docker read what kiln
 * pushed.
 */
class OpenRegistryIT {

  private static RegistryContainer registry;
  private static FaultProxy proxy;
  private static RegistryClient client;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryContainer.open();
    registry.start();
    proxy = FaultProxy.start(registry.baseUrl());
    client = RegistryClient.builder(proxy.hostPort()).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void clearLog() {
    proxy.clearAccessLog();
  }

  @Test
  void pushImage_ociTypes_pullsBackByTagAndDigestUnchanged() throws Exception {
    TestImages.Image image =
        TestImages.image(true, "A=1", TestImages.layer("a.txt", "a"), TestImages.layer("b", "b"));
    Digest pushed = image.push(client, "it/oci", "v1");

    assertThat(pushed).isEqualTo(image.manifest().digest());
    ManifestContent byTag = client.pullManifest("it/oci", "v1");
    assertThat(byTag.bytes()).isEqualTo(image.manifest().bytes());
    assertThat(byTag.descriptor().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    ManifestContent byDigest = client.pullManifest("it/oci", pushed.toString());
    assertThat(byDigest.descriptor().digest()).isEqualTo(pushed);
    assertThat(client.checkManifest("it/oci", "v1"))
        .get()
        .extracting(Descriptor::digest)
        .isEqualTo(pushed);
    for (TestImages.Layer l : image.layers()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client.pullBlob("it/oci", l.digest(), l.blob().length, out);
      assertThat(out.toByteArray()).isEqualTo(l.blob());
    }
    assertThat(client.listTags("it/oci")).containsExactly("v1");
  }

  @Test
  void pushImage_dockerTypes_pullsBackUnchanged() throws Exception {
    TestImages.Image image = TestImages.image(false, "D=1", TestImages.layer("d.txt", "d"));
    Digest pushed = image.push(client, "it/docker", "v1");
    ManifestContent pulled = client.pullManifest("it/docker", "v1");
    assertThat(pulled.bytes()).isEqualTo(image.manifest().bytes());
    assertThat(pulled.descriptor().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(pulled.descriptor().digest()).isEqualTo(pushed);
  }

  @Test
  void pushIndex_ociAndDockerList_pullBackUnchanged() throws Exception {
    TestImages.Image oci = TestImages.image(true, "I=1", TestImages.layer("i", "i"));
    oci.push(client, "it/index", "amd64");
    ImageIndex index =
        ImageIndex.oci(
            List.of(oci.manifest().descriptor().withPlatform(Platform.of("linux", "amd64"))));
    OciJson.Encoded encoded = OciJson.encode(index);
    client.pushManifest("it/index", "multi", encoded.bytes(), MediaTypes.OCI_INDEX);
    ManifestContent pulled = client.pullManifest("it/index", "multi");
    assertThat(pulled.bytes()).isEqualTo(encoded.bytes());
    assertThat(pulled.descriptor().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);

    TestImages.Image docker = TestImages.image(false, "L=1", TestImages.layer("l", "l"));
    docker.push(client, "it/list", "amd64");
    OciJson.Encoded list =
        OciJson.encode(
            ImageIndex.docker(
                List.of(
                    docker.manifest().descriptor().withPlatform(Platform.of("linux", "amd64")))));
    client.pushManifest("it/list", "multi", list.bytes(), MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(client.pullManifest("it/list", "multi").descriptor().mediaType())
        .isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
  }

  @Test
  void pushBlob_alreadyPresent_isSkippedWithoutUpload() throws Exception {
    byte[] blob = "present".getBytes();
    assertThat(client.pushBlob("it/skip", BlobSource.of(blob))).isEqualTo(BlobOutcome.PUSHED);
    proxy.clearAccessLog();
    assertThat(client.pushBlob("it/skip", BlobSource.of(blob))).isEqualTo(BlobOutcome.EXISTING);
    assertThat(proxy.accessLog()).extracting(AccessLogEntry::method).containsOnly("HEAD");
  }

  @Test
  void pushBlob_mountFromAnotherRepository_mountsWithoutUpload() throws Exception {
    byte[] blob = "mount me".getBytes();
    client.pushBlob("it/mount-src", BlobSource.of(blob));
    proxy.clearAccessLog();
    assertThat(client.pushBlob("it/mount-dst", BlobSource.of(blob), "it/mount-src"))
        .isEqualTo(BlobOutcome.MOUNTED);
    assertThat(proxy.accessLog())
        .anySatisfy(
            e -> {
              assertThat(e.method()).isEqualTo("POST");
              assertThat(e.query()).contains("mount=").contains("from=it%2Fmount-src");
              assertThat(e.status()).isEqualTo(201);
            });
    assertThat(proxy.accessLog()).extracting(AccessLogEntry::method).doesNotContain("PATCH", "PUT");
    assertThat(client.checkBlob("it/mount-dst", Digests.sha256(blob))).hasValue(blob.length);
  }

  @Test
  void pushBlob_chunked_uploadsInSeveralPatchesAndVerifies() throws Exception {
    TestImages.Layer big = TestImages.randomLayer(3 * 1024 * 1024, 42);
    try (RegistryClient chunked =
        RegistryClient.builder(proxy.hostPort())
            .uploadMode(UploadMode.CHUNKED)
            .chunkSize(512 * 1024)
            .build()) {
      assertThat(chunked.pushBlob("it/chunked", BlobSource.of(big.blob())))
          .isEqualTo(BlobOutcome.PUSHED);
    }
    long patches = proxy.accessLog().stream().filter(e -> e.method().equals("PATCH")).count();
    assertThat(patches).isEqualTo((big.blob().length + 512 * 1024 - 1) / (512 * 1024));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.pullBlob("it/chunked", big.digest(), big.blob().length, out);
    assertThat(Digests.sha256(out.toByteArray())).isEqualTo(big.digest());
  }

  @Test
  void pushBlob_monolithicFromFile_uploadsWithOnePut(@TempDir Path dir) throws Exception {
    TestImages.Layer layer = TestImages.randomLayer(256 * 1024, 7);
    Path file = Files.write(dir.resolve("blob"), layer.blob());
    assertThat(client.pushBlob("it/mono", BlobSource.ofFile(file))).isEqualTo(BlobOutcome.PUSHED);
    assertThat(proxy.accessLog())
        .extracting(AccessLogEntry::method)
        .containsSubsequence("POST", "PUT");
    assertThat(proxy.accessLog()).extracting(AccessLogEntry::method).doesNotContain("PATCH");
    Path back = dir.resolve("back");
    client.pullBlob(
        "it/mono",
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.blob().length),
        back);
    assertThat(Files.readAllBytes(back)).isEqualTo(layer.blob());
  }

  @Test
  void deleteManifest_byDigest_removesIt() throws Exception {
    TestImages.Image image = TestImages.image(true, "X=1", TestImages.layer("x", "x"));
    Digest digest = image.push(client, "it/delete", "gone");
    client.deleteManifest("it/delete", digest.toString());
    assertThat(client.checkManifest("it/delete", digest.toString())).isEmpty();
  }

  @Test
  void skopeo_readsAndCopiesKilnPushedImages(@TempDir Path dir) throws Exception {
    Path skopeo = Tools.require("skopeo");
    TestImages.Image oci =
        TestImages.image(
            true, "SKOPEO=1", TestImages.layer("s1", "one"), TestImages.layer("s2", "2"));
    Digest digest = oci.push(client, "it/skopeo", "v1");
    String ref = "docker://" + registry.hostPort() + "/it/skopeo:v1";

    String inspect =
        ProcessRunner.of(skopeo.toString(), "inspect", "--tls-verify=false", ref)
            .timeout(Duration.ofMinutes(1))
            .run()
            .assertSuccess()
            .stdout();
    JsonNode json = new ObjectMapper().readTree(inspect);
    assertThat(json.path("Digest").asText()).isEqualTo(digest.toString());
    assertThat(json.path("Layers").get(0).asText())
        .isEqualTo(oci.layers().get(0).digest().toString());
    assertThat(json.path("Layers").get(1).asText())
        .isEqualTo(oci.layers().get(1).digest().toString());
    assertThat(json.path("Env").get(0).asText()).isEqualTo("SKOPEO=1");

    ProcessRunner.of(
            skopeo.toString(),
            "copy",
            "--src-tls-verify=false",
            ref,
            "oci:" + dir.resolve("copy") + ":v1")
        .timeout(Duration.ofMinutes(1))
        .run()
        .assertSuccess();
    for (TestImages.Layer l : oci.layers()) {
      Path blob = dir.resolve("copy/blobs/sha256").resolve(l.digest().hex());
      assertThat(blob).exists();
      assertThat(Files.readAllBytes(blob)).isEqualTo(l.blob());
    }

    TestImages.Image docker = TestImages.image(false, "RAW=1", TestImages.layer("r", "r"));
    docker.push(client, "it/skopeo-docker", "v1");
    String raw =
        ProcessRunner.of(
                skopeo.toString(),
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + registry.hostPort() + "/it/skopeo-docker:v1")
            .timeout(Duration.ofMinutes(1))
            .run()
            .assertSuccess()
            .stdout();
    assertThat(raw.trim().getBytes()).isEqualTo(docker.manifest().bytes());
  }

  @Test
  void docker_pullsKilnPushedDockerImage() throws Exception {
    Path docker = Tools.require("docker");
    TestImages.Image image = TestImages.image(false, "FROM_KILN=yes", TestImages.layer("k", "k"));
    image.push(client, "it/docker-pull", "v1");
    String ref = registry.hostPort().replace("localhost", "127.0.0.1") + "/it/docker-pull:v1";
    try {
      ProcessRunner.of(docker.toString(), "pull", ref)
          .timeout(Duration.ofMinutes(2))
          .run()
          .assertSuccess();
      String env =
          ProcessRunner.of(docker.toString(), "image", "inspect", "-f", "{{json .Config.Env}}", ref)
              .timeout(Duration.ofMinutes(1))
              .run()
              .assertSuccess()
              .stdout();
      assertThat(env).contains("FROM_KILN=yes");
    } finally {
      ProcessRunner.of(docker.toString(), "image", "rm", "-f", ref)
          .timeout(Duration.ofMinutes(1))
          .run();
    }
  }
}
