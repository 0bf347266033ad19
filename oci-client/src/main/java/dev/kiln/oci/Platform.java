package dev.kiln.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An OCI platform: os, architecture and optional variant, os.version and features. Immutable.
 *
 * <p>{@link #parse(String)} accepts the {@code os/arch[/variant]} form used by {@code --platform}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Platform(
    @JsonProperty("architecture") String architecture,
    @JsonProperty("os") String os,
    @JsonProperty("os.version") String osVersion,
    @JsonProperty("os.features") List<String> osFeatures,
    @JsonProperty("variant") String variant,
    @JsonProperty("features") List<String> features) {

  /** Requires os and architecture; copies the lists. */
  public Platform {
    if (architecture == null || architecture.isEmpty() || os == null || os.isEmpty()) {
      throw new IllegalArgumentException("platform needs both os and architecture");
    }
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    features = features == null ? List.of() : List.copyOf(features);
  }

  /** A platform of just os and architecture. */
  public static Platform of(String os, String architecture) {
    return new Platform(architecture, os, null, null, null, null);
  }

  /** A platform of os, architecture and variant. */
  public static Platform of(String os, String architecture, String variant) {
    return new Platform(architecture, os, null, null, variant, null);
  }

  /**
   * Parses {@code os/arch[/variant]}, normalising the usual aliases ({@code x86_64} → {@code
   * amd64}, {@code aarch64} → {@code arm64}).
   */
  public static Platform parse(String spec) {
    String[] parts = Objects.requireNonNull(spec, "platform").trim().split("/");
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "invalid platform '" + spec + "': expected os/arch[/variant], e.g. linux/amd64");
    }
    String os = parts[0].toLowerCase(Locale.ROOT);
    String arch = normaliseArch(parts[1].toLowerCase(Locale.ROOT));
    String variant = parts.length == 3 ? parts[2].toLowerCase(Locale.ROOT) : null;
    if ("arm64".equals(arch) && "v8".equals(variant)) {
      variant = null;
    }
    return new Platform(arch, os, null, null, variant, null);
  }

  /** The platform of the running JVM (Linux assumed for container builds). */
  public static Platform current() {
    return new Platform(
        normaliseArch(System.getProperty("os.arch").toLowerCase(Locale.ROOT)),
        "linux",
        null,
        null,
        null,
        null);
  }

  private static String normaliseArch(String arch) {
    return switch (arch) {
      case "x86_64", "x86-64" -> "amd64";
      case "aarch64" -> "arm64";
      case "i386", "i686", "x86" -> "386";
      default -> arch;
    };
  }

  /** True when os, architecture and variant match (variant compared only if both have one). */
  public boolean matches(Platform other) {
    return os.equals(other.os)
        && architecture.equals(other.architecture)
        && (variant == null || other.variant == null || variant.equals(other.variant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
