package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.oci.Reference;
import java.util.List;
import java.util.Objects;

/**
 * A named build context ({@code docker buildx build --build-context NAME=VALUE}; BuildKit's {@code
 * context:NAME} frontend option): it stands in for a stage of that name (the stage's instructions
 * are not run), for an image of that name in {@code FROM}, and for {@code COPY --from} / {@code RUN
 * --mount from=} values that name no stage. Names match as BuildKit's {@code NamedContext} does:
 * the familiar form of the name as an image reference, without {@code :latest} ({@code alpine},
 * {@code alpine:latest} and {@code docker.io/library/alpine} are one name).
 */
public sealed interface NamedContext {

  /**
   * A directory the client provides as a local source (BuildKit's {@code local:NAME}), filtered by
   * its own {@code .dockerignore}.
   *
   * @param sourceName the name of the local source
   * @param excludes the directory's {@code .dockerignore} patterns
   */
  record Local(String sourceName, List<String> excludes) implements NamedContext {
    /** Validates and copies. */
    public Local {
      Objects.requireNonNull(sourceName, "sourceName");
      excludes = List.copyOf(excludes);
    }
  }

  /**
   * An image ({@code docker-image://REF}, or {@code oci-layout://PATH[:TAG|@DIGEST]} as kiln's
   * {@code FROM oci-layout://} reads it); {@code docker-image://scratch} is the empty file system.
   *
   * @param ref the reference as given after {@code docker-image://}, or the whole {@code
   *     oci-layout://…} value
   */
  record Image(String ref) implements NamedContext {
    /** Validates. */
    public Image {
      Objects.requireNonNull(ref, "ref");
    }
  }

  /**
   * The key a name is matched by: the familiar reference without {@code :latest}, or the name as
   * written when it is not a valid reference.
   */
  static String key(String name) {
    try {
      String familiar = Reference.parse(name).familiar();
      return familiar.endsWith(":latest")
          ? familiar.substring(0, familiar.length() - ":latest".length())
          : familiar;
    } catch (IllegalArgumentException e) {
      return name;
    }
  }
}
