package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.cache.ImageKeys;
import dev.kiln.core.cache.KeyFormulas;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  /**
   * BuildKit's http source key ({@code source/http}'s {@code formatCacheKey}): {@code
   * sha256("buildkit.source.v0:" + K)}, {@code K} the sha256 of Go JSON {@code {Filename, Perm,
   * UID, GID, Checksum, LastModTime?}}; the Dockerfile frontend sets neither perm nor owner (0),
   * v0.11 writes the header as the server sent it, later versions the parsed time in {@code
   * http.TimeFormat}.
   */
  @Override
  public CacheMap forHttp(
      HttpOp op, Digest content, Instant lastModified, String lastModifiedHeader) {
    String time;
    if (formulas.protoOmitEmpty()) {
      time = lastModified == null ? "" : HTTP_TIME.format(lastModified);
    } else {
      time = lastModifiedHeader == null ? "" : lastModifiedHeader;
    }
    byte[] k =
        formulas
            .json()
            .strAlways("Filename", op.filename())
            .numAlways("Perm", 0)
            .numAlways("UID", 0)
            .numAlways("GID", 0)
            .strAlways("Checksum", content.toString())
            .str("LastModTime", time)
            .bytes();
    Digest d = Digests.sha256("buildkit.source.v0:" + Digests.sha256(k));
    return new CacheMap(d, false, List.of());
  }

  /** Go's {@code http.TimeFormat}. */
  private static final DateTimeFormatter HTTP_TIME =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  @Override
  public String toString() {
    return version();
  }
}
