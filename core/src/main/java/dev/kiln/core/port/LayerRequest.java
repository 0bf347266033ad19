package dev.kiln.core.port;

import dev.kiln.oci.MediaTypes.Compression;
import java.time.Instant;
import java.util.Objects;

/**
 * How an output wants the layers of a build result: the blob variant a worker makes (or reuses) for
 * each layer it built, and whether layers that came as blobs (base image layers, imported cache
 * layers) are converted too. A worker makes each variant of a layer once and remembers it.
 *
 * <p>Identity: the compression, the level and the epoch change the blob bytes (the epoch also the
 * diffID: it clamps the mtimes written into the tar, as BuildKit's {@code rewrite-timestamp});
 * {@code force} only selects which layers are converted. None of them is part of any cache key.
 *
 * @param compression the compression of layers the worker builds
 * @param level the algorithm's level (gzip 0–9, zstd 1–22), or null for its default
 * @param force whether layers that came as blobs are converted to {@code compression} too
 * @param sourceDateEpoch mtimes later than this are written as it, or null for none
 */
public record LayerRequest(
    Compression compression, Integer level, boolean force, Instant sourceDateEpoch) {

  /** gzip at its default level, base layers kept, no clamp: what an output asks by default. */
  public static final LayerRequest DEFAULT = new LayerRequest(Compression.GZIP, null, false, null);

  /** Requires a compression. */
  public LayerRequest {
    Objects.requireNonNull(compression, "compression");
  }

  /** This request with mtimes clamped to {@code epoch} (null for none). */
  public LayerRequest withSourceDateEpoch(Instant epoch) {
    return new LayerRequest(compression, level, force, epoch);
  }
}
