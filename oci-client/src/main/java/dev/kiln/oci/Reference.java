package dev.kiln.oci;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image reference such as {@code busybox}, {@code ghcr.io/org/app:1.2} or {@code
 * host:5000/a/b@sha256:…}, normalised the way Docker does it: a name without a registry is on
 * Docker Hub ({@code docker.io}), a single-component Hub name lives under {@code library/}, and a
 * reference with neither tag nor digest means tag {@code latest}. Immutable and thread-safe.
 *
 * <p>The first path component is a registry when it contains a {@code .} or a {@code :}, or is
 * {@code localhost}; otherwise it is part of the repository. Repository components are lowercase
 * {@code [a-z0-9]} runs separated by {@code .}, {@code _}, {@code __} or dashes. Tags match {@code
 * [\w][\w.-]{0,127}}; digests must be valid sha256 or sha512 digests.
 *
 * @param registry the registry host[:port], {@code docker.io} for Docker Hub
 * @param repository the repository path, e.g. {@code library/busybox}
 * @param tag the tag, or null when the reference is by digest only
 * @param digest the digest, or null
 */
public record Reference(String registry, String repository, String tag, Digest digest) {

  /** The canonical name of Docker Hub. */
  public static final String DOCKER_HUB = "docker.io";

  /** The host that serves Docker Hub's registry API. */
  public static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";

  /** The tag assumed when a reference names neither a tag nor a digest. */
  public static final String DEFAULT_TAG = "latest";

  private static final String HOST_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern REGISTRY =
      Pattern.compile(
          "(?:"
              + HOST_COMPONENT
              + "(?:\\."
              + HOST_COMPONENT
              + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");
  private static final int MAX_NAME_LENGTH = 255;

  /**
   * Validates every part (see the class comment for the grammar); at least one of {@code tag} and
   * {@code digest} must be present. No normalisation is applied here; use {@link #parse}.
   */
  public Reference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (!REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException("invalid registry '" + registry + "'");
    }
    checkRepository(repository, registry + "/" + repository);
    if (tag == null && digest == null) {
      throw new IllegalArgumentException(
          "reference to " + registry + "/" + repository + " needs a tag or a digest");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid tag '" + tag + "': expected [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    }
    if (registry.length() + 1 + repository.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "repository name '" + registry + "/" + repository + "' is longer than 255 characters");
    }
  }

  /**
   * Parses and normalises a reference.
   *
   * @throws IllegalArgumentException naming {@code input} when it is not a valid reference
   */
  public static Reference parse(String input) {
    if (input == null || input.isEmpty()) {
      throw new IllegalArgumentException("image reference must not be empty");
    }
    try {
      return doParse(input);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid image reference '" + input + "': " + e.getMessage(), e);
    }
  }

  private static Reference doParse(String input) {
    String rest = input;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = Digest.parse(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/') && colon > rest.lastIndexOf(']')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry;
    String repository;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? null : rest.substring(0, slash);
    if (first != null
        && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      registry = first;
      repository = rest.substring(slash + 1);
    } else {
      registry = DOCKER_HUB;
      repository = rest;
    }
    if (registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !repository.isEmpty() && repository.indexOf('/') < 0) {
      if (HEX64.matcher(repository).matches()) {
        throw new IllegalArgumentException(
            "a 64-character hexadecimal string is an image ID, not a repository name");
      }
      repository = "library/" + repository;
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new Reference(registry, repository, tag, digest);
  }

  private static void checkRepository(String repository, String name) {
    if (repository.isEmpty()) {
      throw new IllegalArgumentException("repository name is empty");
    }
    if (!repository.equals(repository.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("repository name '" + repository + "' must be lowercase");
    }
    for (String component : repository.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new IllegalArgumentException(
            "invalid repository path component '"
                + component
                + "' in '"
                + name
                + "': expected lowercase letters and digits separated by '.', '_', '__' or '-'");
      }
    }
  }

  /** The host and port to talk to for the registry API ({@code registry-1.docker.io} for Hub). */
  public String registryApiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
  }

  /** The repository name with its registry, e.g. {@code docker.io/library/busybox}. */
  public String name() {
    return registry + "/" + repository;
  }

  /** This reference with {@code newTag} and no digest. */
  public Reference withTag(String newTag) {
    return new Reference(registry, repository, Objects.requireNonNull(newTag, "tag"), null);
  }

  /** This reference pinned to {@code newDigest}; the tag, if any, is kept for display. */
  public Reference withDigest(Digest newDigest) {
    return new Reference(registry, repository, tag, Objects.requireNonNull(newDigest, "digest"));
  }

  /** The same repository on another registry/repository path, keeping tag and digest. */
  public Reference withRepository(String newRegistry, String newRepository) {
    return new Reference(newRegistry, newRepository, tag, digest);
  }

  /**
   * What to ask the registry for: the digest when there is one (it wins over the tag), else the
   * tag.
   */
  public String identifier() {
    return digest != null ? digest.toString() : tag;
  }

  /** The short form Docker prints: {@code busybox:latest}, {@code user/img:1}, {@code host/x:1}. */
  public String familiar() {
    String n = name();
    if (registry.equals(DOCKER_HUB)) {
      n =
          repository.startsWith("library/") && repository.indexOf('/', 8) < 0
              ? repository.substring(8)
              : repository;
    }
    return n + suffix();
  }

  /** The canonical form: {@code docker.io/library/busybox:latest}, {@code host/x:1@sha256:…}. */
  @Override
  public String toString() {
    return name() + suffix();
  }

  private String suffix() {
    return (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
