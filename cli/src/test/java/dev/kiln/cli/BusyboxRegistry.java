package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.BusyboxContext;
import dev.kiln.testsupport.ProcessRunner;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A real registry holding a busybox base image that kiln built from Debian's busybox-static and
 * pushed ({@code HOST/kiln-it/busybox:1}): the base of the CLI's integration tests.
 */
final class BusyboxRegistry implements AutoCloseable {

  final RegistryContainer registry;
  final String host;
  final String base;
  private final Path dir;

  private BusyboxRegistry(RegistryContainer registry, Path dir) {
    this.registry = registry;
    this.host = registry.hostPort();
    this.base = host + "/kiln-it/busybox:1";
    this.dir = dir;
  }

  /** Starts a registry and pushes the base image to it with {@code kiln build --push}. */
  static BusyboxRegistry start() throws IOException {
    RegistryContainer registry = RegistryContainer.open();
    registry.start();
    BusyboxRegistry r = new BusyboxRegistry(registry, Files.createTempDirectory("kiln-it-base"));
    Kiln.Run build =
        Kiln.run(
            r.dir,
            Map.of(),
            "build",
            "--root",
            r.dir.resolve("root").toString(),
            "--progress=plain",
            "-t",
            r.base,
            "--push",
            BusyboxContext.create(r.dir.resolve("busybox")).toString());
    assertThat(build.exitCode()).as(build.err()).isZero();
    return r;
  }

  @Override
  public void close() {
    registry.close();
    ProcessRunner.of("rm", "-rf", dir.toString()).run();
  }

  /**
   * Base of the integration tests that need the registry: started once per test class (docker
   * required), closed after it.
   */
  abstract static class Fixture {
    static BusyboxRegistry registry;
    static String host;
    static String base;

    @BeforeAll
    static void startRegistryAndPushBase() throws IOException {
      Tools.require("docker");
      registry = BusyboxRegistry.start();
      host = registry.host;
      base = registry.base;
    }

    @AfterAll
    static void stopRegistry() {
      if (registry != null) {
        registry.close();
        registry = null;
      }
    }
  }
}
