package dev.kiln.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the external programs integration tests drive ({@code skopeo}, {@code runc}, {@code umoci},
 * {@code docker} ...). A missing program is a broken test environment, so {@link #require(String)}
 * fails the test instead of skipping it.
 *
 * <p>Stateless; thread-safe.
 */
public final class Tools {
  private Tools() {}

  /**
   * Returns the absolute path of {@code name} found on {@code PATH}.
   *
   * @throws AssertionError naming the program and how to install it when it is not found
   */
  public static Path require(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toAbsolutePath();
        }
      }
    }
    throw new AssertionError(
        "required program '"
            + name
            + "' was not found on PATH ("
            + path
            + "); install it (Debian: apt-get install -y "
            + debianPackage(name)
            + ") before running the integration tests");
  }

  private static String debianPackage(String name) {
    return switch (name) {
      case "busybox" -> "busybox-static";
      case "docker", "dockerd" -> "docker.io";
      case "docker-registry" -> "docker-registry";
      default -> name;
    };
  }
}
