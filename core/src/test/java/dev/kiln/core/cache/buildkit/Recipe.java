package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Platform;
import java.util.List;

/**
 * Facts of ../shared/buildkit-keys-v0.11.md used by the unit tests: the vectors' base image and
 * helpers that turn a vertex into its BuildKit record digest.
 */
final class Recipe {

  static final Platform AMD64 = Platform.of("linux", "amd64");
  static final String BASE_REF = "127.0.0.1:5050/base/busybox:1";
  static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** The vectors' base image: manifest sha256:8a94b6ae…, one layer, diffID sha256:1a3e17ed…. */
  static final ResolvedImage VECTORS_BASE =
      image(
          "sha256:8a94b6aeb3001ce378b5c2e7a140d0dfba95d99fb6efcdeebf95dea0db8fd720",
          "sha256:1a3e17ed2d09af5008f69dc82c60b48db8c1f0733304b68b3afe642fa6d6fa92");

  /** The §6.4 base (and interop/base): manifest sha256:3fda7b32…, diffID sha256:07a7d564…. */
  static final ResolvedImage PEER_BASE =
      image(
          "sha256:3fda7b32f0856d2e7a9a8f3698450d6c300aa4e77b2ef81beb713e84e4e52a18",
          "sha256:07a7d5642d9cbd59c10d3c352090be240becf9a9cc2f37e97004f03ee67b587d");

  private Recipe() {}

  static ResolvedImage image(String manifest, String diffId) {
    Digest m = Digest.parse(manifest);
    return new ResolvedImage(
        BASE_REF,
        m,
        Descriptor.of("application/vnd.docker.distribution.manifest.v2+json", m, 427),
        Descriptor.of(
            "application/vnd.docker.container.image.v1+json",
            Digest.parse("sha256:" + "0".repeat(64)),
            458),
        AMD64,
        List.of(),
        List.of(Digest.parse(diffId)));
  }

  /** The base image state with the vectors' env. */
  static State base() {
    return State.image(BASE_REF, AMD64).withEnv("PATH", PATH.substring(5));
  }

  /** The single cache map of {@code v} under {@code keys}. */
  static CacheMap map(BuildkitKeys keys, Vertex v) {
    List<CacheMap> maps = keys.cacheMaps(v);
    if (maps.size() != 1) {
      throw new AssertionError("expected one cache map, got " + maps.size());
    }
    return maps.get(0);
  }

  /** {@code rootKey(D, 0)} of {@code v} under v0.11. */
  static Digest record(Vertex v) {
    return CacheKey.rootKey(map(BuildkitKeys.V0_11, v).digest(), 0);
  }
}
