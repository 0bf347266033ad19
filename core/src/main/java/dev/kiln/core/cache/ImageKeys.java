package dev.kiln.core.cache;

import dev.kiln.core.cache.internal.GoJson;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import java.util.List;

/**
 * The two alternative root-key op digests of an image source, computed exactly as BuildKit does
 * (cache-format.md §8.2), so that image roots are byte-identical with BuildKit's. These keep
 * BuildKit's own type tag {@code buildkit.source.v0} instead of kiln's, deliberately.
 */
public final class ImageKeys {

  /** BuildKit's source-op tag. */
  static final String SOURCE_TAG = "buildkit.source.v0:";

  private ImageKeys() {}

  /**
   * Manifest-based: {@code sha256("buildkit.source.v0:" + K0)} where K0 is the string form of the
   * sha256 of the Go JSON {@code {"Digest","OS","Arch","Variant"?,"OSVersion"?,"OSFeatures"?}} of
   * the top-level digest and the platform.
   */
  public static Digest manifestKey(Digest topDigest, Platform platform) {
    StringBuilder json = new StringBuilder("{");
    goField(json, "Digest", topDigest.toString()).append(',');
    goField(json, "OS", platform.os()).append(',');
    goField(json, "Arch", platform.architecture());
    if (platform.variant() != null && !platform.variant().isEmpty()) {
      goField(json.append(','), "Variant", platform.variant());
    }
    if (platform.osVersion() != null && !platform.osVersion().isEmpty()) {
      goField(json.append(','), "OSVersion", platform.osVersion());
    }
    if (!platform.osFeatures().isEmpty()) {
      json.append(",\"OSFeatures\":[");
      for (int i = 0; i < platform.osFeatures().size(); i++) {
        GoJson.appendString(json.append(i > 0 ? "," : ""), platform.osFeatures().get(i));
      }
      json.append(']');
    }
    json.append('}');
    return Digests.sha256(SOURCE_TAG + Digests.sha256(json.toString()));
  }

  /**
   * Config-based: {@code sha256("buildkit.source.v0:" + chainId(diffIds))}, or with the config
   * digest in place of the chain ID when there are no diff IDs.
   */
  public static Digest configKey(List<Digest> diffIds, Digest configDigest) {
    Digest k = diffIds.isEmpty() ? configDigest : chainId(diffIds);
    return Digests.sha256(SOURCE_TAG + k);
  }

  /**
   * Checks that {@code image} was resolved for {@code op}'s platform.
   *
   * @throws IllegalArgumentException naming the reference and both platforms otherwise
   */
  public static void requireResolvedFor(ImageOp op, ResolvedImage image) {
    if (!op.platform().equals(image.platform())) {
      throw new IllegalArgumentException(
          "image " + op.ref() + " was resolved for " + image.platform() + ", not " + op.platform());
    }
  }

  /** Both keys for a resolved image, manifest-based first. */
  public static List<Digest> keys(ResolvedImage image) {
    return List.of(
        manifestKey(image.topDigest(), image.platform()),
        configKey(image.diffIds(), image.config().digest()));
  }

  /** OCI ChainID: {@code c0 = d0}, {@code ci = sha256(c(i-1) + " " + di)}. */
  public static Digest chainId(List<Digest> diffIds) {
    if (diffIds.isEmpty()) {
      throw new IllegalArgumentException("the chain ID of no layers is undefined");
    }
    Digest c = diffIds.get(0);
    for (int i = 1; i < diffIds.size(); i++) {
      c = Digests.sha256(c + " " + diffIds.get(i));
    }
    return c;
  }

  private static StringBuilder goField(StringBuilder sb, String name, String value) {
    sb.append('"').append(name).append("\":");
    return GoJson.appendString(sb, value);
  }
}
