package dev.kiln.oci.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.registry.BlobOutcome;
import dev.kiln.oci.registry.BlobSource;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.RegistryException;
import dev.kiln.oci.registry.RegistryUnauthorizedException;
import dev.kiln.oci.registry.auth.Credential;
import dev.kiln.oci.registry.auth.CredentialProvider;
import dev.kiln.oci.registry.auth.CredentialProviders;
import dev.kiln.oci.registry.auth.DockerConfigCredentialProvider;
import dev.kiln.testsupport.RegistryContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Basic authentication (htpasswd) against the real registry, and Docker credential helpers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BasicAuthIT {
  RegistryContainer registry;

  @BeforeAll
  void start() {
    registry = RegistryContainer.builder().basicAuth(Map.of("alice", "wonderland")).build();
    registry.start();
  }

  @AfterAll
  void stop() {
    registry.close();
  }

  private RegistryClient client(CredentialProvider creds) throws RegistryException {
    return RegistryClient.builder(registry.hostPort()).credentials(creds).build();
  }

  @Test
  void push_rightPassword_works() throws Exception {
    try (RegistryClient c =
        client(
            CredentialProviders.fixed(
                registry.hostPort(), Credential.basic("alice", "wonderland")))) {
      TestImages.Image image = TestImages.image(true, "B=1", TestImages.layer("b", "b"));
      assertThat(image.push(c, "basic/app", "v1")).isEqualTo(image.manifest().digest());
      assertThat(c.pullManifest("basic/app", "v1").bytes()).isEqualTo(image.manifest().bytes());
    }
  }

  @Test
  void push_wrongPassword_failsUnauthorizedWithoutLeakingIt() throws Exception {
    try (RegistryClient c =
        client(
            CredentialProviders.fixed(registry.hostPort(), Credential.basic("alice", "hunter2")))) {
      assertThatThrownBy(() -> c.pushBlob("basic/app", BlobSource.of("x".getBytes())))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining(registry.hostPort())
          .hasMessageNotContaining("hunter2");
    }
  }

  @Test
  void pull_noCredentials_failsUnauthorized() throws Exception {
    try (RegistryClient c = client(CredentialProvider.ANONYMOUS)) {
      assertThatThrownBy(() -> c.checkManifest("basic/app", "v1"))
          .isInstanceOf(RegistryUnauthorizedException.class);
    }
  }

  @Test
  void push_credentialHelperOnPath_suppliesCredentials(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path helper = bin.resolve("docker-credential-kilntest");
    Files.writeString(
        helper,
        "#!/bin/sh\nread url\n"
            + "[ \"$url\" = \""
            + registry.hostPort()
            + "\" ] || { echo 'credentials not found in native keychain'; exit 1; }\n"
            + "echo '{\"ServerURL\":\"'$url'\",\"Username\":\"alice\",\"Secret\":\"wonderland\"}'\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = Files.createDirectories(dir.resolve("docker"));
    Files.writeString(
        config.resolve("config.json"),
        "{\"credHelpers\":{\"" + registry.hostPort() + "\":\"kilntest\"}}");
    DockerConfigCredentialProvider creds =
        DockerConfigCredentialProvider.fromEnvironment(
            Map.of("DOCKER_CONFIG", config.toString(), "PATH", bin + ":/usr/bin:/bin"), dir);
    try (RegistryClient c = client(creds)) {
      assertThat(c.pushBlob("basic/helper", BlobSource.of("via helper".getBytes())))
          .isEqualTo(BlobOutcome.PUSHED);
    }
  }
}
