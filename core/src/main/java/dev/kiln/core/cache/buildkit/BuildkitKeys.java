package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.cache.ImageKeys;
import dev.kiln.core.cache.KeyFormulas;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * BuildKit-compatible cache keys: for each kiln vertex, the cache map BuildKit computes for the op
 * its built-in Dockerfile frontend emits for the same instruction, byte for byte, so that records
 * of a cache written by BuildKit and by kiln share digests and links (core/README.md, "BuildKit
 * keys"). Where kiln's graph has something BuildKit's does not (scratch as a vertex, a symlink
 * action before v0.16, an env that a hint does not explain), that vertex keeps kiln's own key
 * ({@link CacheMaps#KEYS}), which never matches a BuildKit record. Stateless; thread-safe.
 */
public final class BuildkitKeys implements KeyFormulas {

  /** BuildKit v0.11.6's formulas (buildx with a v0.11 builder; docker 23–24's BuildKit). */
  public static final BuildkitKeys V0_11 = new BuildkitKeys(Formulas.V0_11);

  /** BuildKit v0.32.2's formulas, read from its source (not verified against a daemon). */
  public static final BuildkitKeys V0_32 = new BuildkitKeys(Formulas.V0_32);

  private final Formulas formulas;

  private BuildkitKeys(Formulas formulas) {
    this.formulas = formulas;
  }

  /**
   * The BuildKit key function of {@code version} ({@code buildkit-v0.11} or {@code
   * buildkit-v0.32}).
   *
   * @throws IllegalArgumentException naming the known versions otherwise
   */
  public static BuildkitKeys version(String version) {
    for (BuildkitKeys k : List.of(V0_11, V0_32)) {
      if (k.version().equals(version)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown BuildKit key version '"
            + version
            + "' (known: "
            + V0_11.version()
            + ", "
            + V0_32.version()
            + ")");
  }

  @Override
  public String version() {
    return formulas.version();
  }

  /** The content-hash algorithm name this version's content selections carry. */
  public String contentHash() {
    return formulas.contentHash();
  }

  @Override
  public List<CacheMap> cacheMaps(Vertex vertex) {
    Optional<CacheMap> m = Optional.empty();
    if (vertex.op() instanceof ExecOp e) {
      m = ExecKeys.of(vertex, e, formulas);
    } else if (vertex.op() instanceof FileOp f) {
      m = FileKeys.of(vertex, f, formulas);
    } else if (vertex.op() instanceof MergeOp) {
      m = MergeKeys.of(vertex, formulas);
    }
    return List.of(m.orElseGet(() -> CacheMaps.of(vertex)));
  }

  /**
   * Both image roots, as {@link ImageKeys} computes them, with the platform BuildKit's daemon
   * normalises to; v0.11 writes neither {@code OSVersion} nor {@code OSFeatures}.
   */
  @Override
  public List<CacheMap> forImage(ImageOp op, ResolvedImage image) {
    ImageKeys.requireResolvedFor(op, image);
    String[] p = ExecKeys.normalise(image.platform());
    Platform platform =
        formulas.protoOmitEmpty()
            ? new Platform(
                p[1],
                p[0],
                image.platform().osVersion(),
                image.platform().osFeatures(),
                p[2].isEmpty() ? null : p[2],
                null)
            : new Platform(p[1], p[0], null, null, p[2].isEmpty() ? null : p[2], null);
    List<CacheMap> maps = new ArrayList<>();
    maps.add(new CacheMap(ImageKeys.manifestKey(image.topDigest(), platform), false, List.of()));
    // Without layers BuildKit's config key repeats the manifest key: one root then.
    if (!image.diffIds().isEmpty()) {
      maps.add(new CacheMap(ImageKeys.configKey(image.diffIds(), null), false, List.of()));
    }
    return maps;
  }

  /** Session-bound, as BuildKit's {@code random:} local-source keys: never exported. */
  @Override
  public CacheMap forLocal(LocalOp op, String sessionId) {
    return CacheMaps.forLocal(op, sessionId);
  }

  @Override
  public String toString() {
    return version();
  }
}
