package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.NetworkMode;
import dev.kiln.oci.Platform;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a conversion needs. Immutable.
 *
 * @param fileName the Dockerfile's name for messages, e.g. {@code Dockerfile}
 * @param dockerfile the Dockerfile text
 * @param buildArgs the {@code --build-arg} values
 * @param target the stage to build, or null/empty for the last stage
 * @param excludes the build context's {@code .dockerignore} patterns (already read with {@link
 *     dev.kiln.core.pattern.IgnoreFile#read}); they become the exclude patterns of the context's
 *     local source
 * @param platform the native platform: the platform of every stage
 * @param resolver looks up base image configs
 * @param contextName the name under which the client provides the build context
 * @param network the network of RUN steps without {@code --network} (BuildKit's {@code
 *     force-network-mode}; {@code docker buildx build --network}); null means {@link
 *     NetworkMode#SANDBOX}
 * @param extraHosts {@code /etc/hosts} entries of every RUN ({@code --add-host}; BuildKit's {@code
 *     add-hosts} frontend option)
 * @param namedContexts the named build contexts ({@code --build-context}) by name as given; see
 *     {@link NamedContext}
 * @param inlineDocumentMode the mode of a {@code COPY} here-document's file before {@code --chmod}:
 *     {@link #INLINE_DOCUMENT_MODE}, or {@link #INLINE_DOCUMENT_MODE_V0_11} to build what BuildKit
 *     v0.11 builds (and so share its cache keys)
 */
public record ConversionRequest(
    String fileName,
    String dockerfile,
    Map<String, String> buildArgs,
    String target,
    List<String> excludes,
    Platform platform,
    ImageConfigResolver resolver,
    String contextName,
    NetworkMode network,
    List<ExecMeta.HostIp> extraHosts,
    Map<String, NamedContext> namedContexts,
    int inlineDocumentMode) {

  /**
   * The mode of the file a {@code COPY <<EOF} here-document makes before it is copied: {@code
   * 0644}, as BuildKit's frontend since dockerfile 1.6.0 (BuildKit v0.12).
   */
  public static final int INLINE_DOCUMENT_MODE = 0644;

  /** The same mode as BuildKit v0.11's frontend wrote it ({@code 0664}). */
  public static final int INLINE_DOCUMENT_MODE_V0_11 = 0664;

  /** The default local source name of the build context, as in BuildKit. */
  public static final String DEFAULT_CONTEXT_NAME = "context";

  /** Validates and copies. */
  public ConversionRequest {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(dockerfile, "dockerfile");
    buildArgs = Map.copyOf(buildArgs);
    excludes = List.copyOf(excludes);
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(resolver, "resolver");
    if (contextName == null || contextName.isBlank()) {
      throw new IllegalArgumentException("contextName must not be blank");
    }
    network = network == null ? NetworkMode.SANDBOX : network;
    extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
    namedContexts = namedContexts == null ? Map.of() : Map.copyOf(namedContexts);
    if ((inlineDocumentMode & ~07777) != 0) {
      throw new IllegalArgumentException(
          "inlineDocumentMode " + Integer.toOctalString(inlineDocumentMode) + " is not a mode");
    }
  }

  /** The named context that {@code name} (a stage, image or {@code --from} name) stands for. */
  public java.util.Optional<NamedContext> namedContext(String name) {
    String key = NamedContext.key(name);
    for (Map.Entry<String, NamedContext> e : namedContexts.entrySet()) {
      if (NamedContext.key(e.getKey()).equals(key)) {
        return java.util.Optional.of(e.getValue());
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * A request for the last stage of {@code dockerfile} named {@code Dockerfile}, without build args
   * or excludes, using context name {@code context}.
   */
  public static ConversionRequest of(
      String dockerfile, Platform platform, ImageConfigResolver resolver) {
    return new ConversionRequest(
        "Dockerfile",
        dockerfile,
        Map.of(),
        null,
        List.of(),
        platform,
        resolver,
        DEFAULT_CONTEXT_NAME,
        NetworkMode.SANDBOX,
        List.of(),
        Map.of(),
        INLINE_DOCUMENT_MODE);
  }

  /** This request with {@code args} as build args. */
  public ConversionRequest withBuildArgs(Map<String, String> args) {
    return new ConversionRequest(
        fileName,
        dockerfile,
        args,
        target,
        excludes,
        platform,
        resolver,
        contextName,
        network,
        extraHosts,
        namedContexts,
        inlineDocumentMode);
  }

  /** This request building stage {@code stage}. */
  public ConversionRequest withTarget(String stage) {
    return new ConversionRequest(
        fileName,
        dockerfile,
        buildArgs,
        stage,
        excludes,
        platform,
        resolver,
        contextName,
        network,
        extraHosts,
        namedContexts,
        inlineDocumentMode);
  }

  /** This request with {@code patterns} as the context's exclude patterns. */
  public ConversionRequest withExcludes(List<String> patterns) {
    return new ConversionRequest(
        fileName,
        dockerfile,
        buildArgs,
        target,
        patterns,
        platform,
        resolver,
        contextName,
        network,
        extraHosts,
        namedContexts,
        inlineDocumentMode);
  }

  /** This request with {@code mode} as the network of RUN steps without {@code --network}. */
  public ConversionRequest withNetwork(NetworkMode mode) {
    return new ConversionRequest(
        fileName,
        dockerfile,
        buildArgs,
        target,
        excludes,
        platform,
        resolver,
        contextName,
        mode,
        extraHosts,
        namedContexts,
        inlineDocumentMode);
  }

  /** This request with {@code hosts} as the extra {@code /etc/hosts} entries of every RUN. */
  public ConversionRequest withExtraHosts(List<ExecMeta.HostIp> hosts) {
    return new ConversionRequest(
        fileName,
        dockerfile,
        buildArgs,
        target,
        excludes,
        platform,
        resolver,
        contextName,
        network,
        hosts,
        namedContexts,
        inlineDocumentMode);
  }

  /** This request with {@code contexts} as its named build contexts. */
  public ConversionRequest withNamedContexts(Map<String, NamedContext> contexts) {
    return new ConversionRequest(
        fileName,
        dockerfile,
        buildArgs,
        target,
        excludes,
        platform,
        resolver,
        contextName,
        network,
        extraHosts,
        contexts,
        inlineDocumentMode);
  }

  /** This request with {@code mode} as the mode of a {@code COPY} here-document's file. */
  public ConversionRequest withInlineDocumentMode(int mode) {
    return new ConversionRequest(
        fileName,
        dockerfile,
        buildArgs,
        target,
        excludes,
        platform,
        resolver,
        contextName,
        network,
        extraHosts,
        namedContexts,
        mode);
  }
}
