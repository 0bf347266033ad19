package dev.kiln.oci.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digest;
import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryUnauthorizedException;
import dev.kiln.oci.registry.auth.Credential;
import dev.kiln.oci.registry.auth.CredentialProviders;
import dev.kiln.oci.registry.auth.DockerConfigCredentialProvider;
import dev.kiln.testsupport.RegistryContainer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the htpasswd (Basic auth) variant of the real registry. */
class BasicAuthRegistryIT {

  private static final String USER = "builder";
  private static final String PASSWORD = "s3cret-Basic-pw";

  private static RegistryContainer registry;

  @BeforeAll
  static void start() {
    registry = RegistryContainer.builder().basicAuth(Map.of(USER, PASSWORD)).build();
    registry.start();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private static RegistryClient client(Credential credential) throws Exception {
    return RegistryClient.builder(registry.hostPort())
        .credentials(CredentialProviders.fixed(registry.hostPort(), credential))
        .build();
  }

  @Test
  void pushImage_rightPassword_pushesAndPullsBack() throws Exception {
    TestImages.Image image = TestImages.image(true, "BASIC=1", TestImages.layer("b", "basic"));
    try (RegistryClient client = client(Credential.basic(USER, PASSWORD))) {
      Digest digest = image.push(client, "basic/app", "v1");
      assertThat(client.pullManifest("basic/app", digest.toString()).bytes())
          .isEqualTo(image.manifest().bytes());
      TestImages.Layer layer = image.layers().get(0);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client.pullBlob("basic/app", layer.digest(), layer.blob().length, out);
      assertThat(out.toByteArray()).isEqualTo(layer.blob());
      assertThat(client.listTags("basic/app")).containsExactly("v1");
    }
  }

  @Test
  void pushBlob_wrongPassword_failsUnauthorizedWithoutSecret() throws Exception {
    String wrong = "not-the-Password-42";
    try (RegistryClient client = client(Credential.basic(USER, wrong))) {
      assertThatThrownBy(() -> client.pushBlob("basic/denied", BlobSource.of(new byte[] {1, 2})))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .satisfies(
              e -> {
                assertThat(e.getMessage())
                    .contains(registry.hostPort())
                    .doesNotContain(wrong)
                    .doesNotContain(PASSWORD);
                assertThat(((RegistryUnauthorizedException) e).statusCode()).isEqualTo(401);
              });
    }
  }

  @Test
  void pullManifest_noCredentials_failsUnauthorized() throws Exception {
    try (RegistryClient client = RegistryClient.builder(registry.hostPort()).build()) {
      assertThatThrownBy(
              () -> client.checkBlob("basic/app", Digest.parse("sha256:" + "a".repeat(64))))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining(registry.hostPort());
    }
  }

  @Test
  void pushBlob_credentialHelperFromDockerConfig_pushes(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("helper-calls.txt");
    Path helper = bin.resolve("docker-credential-kilntest");
    // A helper answers `get` with the server URL on stdin, as docker-credential-helpers does.
    Files.writeString(
        helper,
        "#!/bin/sh\n"
            + "read server\n"
            + "echo \"$1 $server\" >> '"
            + calls
            + "'\n"
            + "if [ \"$1\" = get ]; then\n"
            + "  printf '{\"ServerURL\":\"%s\",\"Username\":\""
            + USER
            + "\",\"Secret\":\""
            + PASSWORD
            + "\"}\\n' \"$server\"\n"
            + "else\n"
            + "  exit 1\n"
            + "fi\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = Files.createDirectories(dir.resolve("docker"));
    Files.writeString(
        config.resolve("config.json"),
        "{\"credHelpers\":{\"" + registry.hostPort() + "\":\"kilntest\"}}",
        StandardCharsets.UTF_8);
    DockerConfigCredentialProvider provider =
        new DockerConfigCredentialProvider(config, Map.of("PATH", bin + ":/usr/bin:/bin"));

    byte[] blob = "pushed with a helper's credential".getBytes(StandardCharsets.UTF_8);
    try (RegistryClient client =
        RegistryClient.builder(registry.hostPort()).credentials(provider).build()) {
      assertThat(client.pushBlob("basic/helper", BlobSource.of(blob)))
          .isEqualTo(BlobOutcome.PUSHED);
      assertThat(client.checkBlob("basic/helper", BlobSource.of(blob).digest()))
          .hasValue(blob.length);
    }
    assertThat(Files.readString(calls)).startsWith("get " + registry.hostPort());
  }
}
