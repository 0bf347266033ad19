package dev.kiln.cli;

import dev.kiln.testsupport.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the integration tests that run {@code RUN} steps through {@code kiln build}: the registry
 * with the busybox base, runc required, a fresh context directory and state root.
 */
abstract class RunFixture extends BusyboxRegistry.Fixture {

  @TempDir Path tmp;
  Path context;
  Path root;

  @BeforeAll
  static void requireRunc() {
    Tools.require("runc");
  }

  @BeforeEach
  void contextAndRoot() throws Exception {
    context = Files.createDirectories(tmp.resolve("ctx"));
    root = tmp.resolve("root");
  }
}
