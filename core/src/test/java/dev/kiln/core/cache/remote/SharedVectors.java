package dev.kiln.core.cache.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The BuildKit v0.11 reference vectors in {@code ../shared/vectors/buildkit-v0.11} next to the
 * repository clone (CI keeps a copy of {@code shared/} there). Missing vectors fail the test that
 * asks for them: they must never be skipped silently. Test use only.
 */
public final class SharedVectors {

  private SharedVectors() {}

  /** The vectors directory; fails with the path that was looked for when it is absent. */
  public static Path root() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path candidate = d.resolveSibling("shared").resolve("vectors").resolve("buildkit-v0.11");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        "BuildKit vectors not found: expected ../shared/vectors/buildkit-v0.11 beside the"
            + " repository root (searched upwards from "
            + dir
            + "); CI must provide a copy of shared/ next to the clone");
  }

  /** Case directories holding a registry cache ({@code cache-config.json}), sorted. */
  public static List<Path> registryCases() {
    return casesWith("cache-config.json");
  }

  /** Case directories holding an inline cache ({@code inline-cache-decoded.json}), sorted. */
  public static List<Path> inlineCases() {
    return casesWith("inline-cache-decoded.json");
  }

  /** The OCI-layout caches written by {@code type=local} ({@code interop/w*-cache}), sorted. */
  public static List<Path> layoutCaches() {
    try (Stream<Path> s = Files.list(root().resolve("interop"))) {
      List<Path> found =
          s.filter(p -> p.getFileName().toString().endsWith("-cache")).sorted().toList();
      if (found.isEmpty()) {
        throw new AssertionError("no interop/*-cache layouts under " + root());
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a file of the vectors. */
  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> casesWith(String file) {
    try (Stream<Path> s = Files.list(root())) {
      List<Path> found = s.filter(p -> Files.exists(p.resolve(file))).sorted().toList();
      if (found.isEmpty()) {
        throw new AssertionError("no case with " + file + " under " + root());
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
