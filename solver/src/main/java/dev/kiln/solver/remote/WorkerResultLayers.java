package dev.kiln.solver.remote;

import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.port.BlobTap;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.worker.LocalWorker;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@link ResultLayers} over the snapshot-first worker: {@link LocalWorker#exportLayers(CacheResult,
 * LayerRequest)} in the cache's compression (at its level, with the build's {@code
 * SOURCE_DATE_EPOCH} clamp, so the cache holds the layers as the image has them), each variant made
 * once and remembered by the worker across builds; layers that came as blobs (base-image and
 * imported layers) keep theirs unless {@code force-compression}. A layer's origin (where it already
 * lives, so an exporter can mount it) is what {@code origin} says (a base image's repository), else
 * the result's descriptor's first {@code containerd.io/distribution.source.<host>} annotation (an
 * imported layer); {@code buildkit/createdat} of the result's descriptors is kept, and a layer
 * clamped to an epoch says which in {@code buildkit/rewritten-timestamp} (so that a build under
 * another epoch knows whether it must clamp it again). Thread-safe.
 */
public final class WorkerResultLayers implements ResultLayers {

  private final LocalWorker worker;
  private final Function<Digest, String> origin;
  private final Instant sourceDateEpoch;

  /**
   * @param worker makes the layers' blobs
   * @param origin the {@code registry/repository} a blob already lives in (a base image), or null
   * @param sourceDateEpoch the build's {@code SOURCE_DATE_EPOCH} (layer mtimes clamped), or null
   */
  public WorkerResultLayers(
      LocalWorker worker, Function<Digest, String> origin, Instant sourceDateEpoch) {
    this.worker = Objects.requireNonNull(worker, "worker");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.sourceDateEpoch = sourceDateEpoch;
  }

  @Override
  public void prepare(List<CacheResult> results, CacheExportOptions options) throws IOException {
    prepare(results, options, null);
  }

  @Override
  public void prepare(List<CacheResult> results, CacheExportOptions options, BlobTap tap)
      throws IOException {
    worker.prepareLayers(results, request(options), tap);
  }

  private LayerRequest request(CacheExportOptions options) {
    return new LayerRequest(
        options.compression(),
        options.compressionLevel(),
        options.forceCompression(),
        sourceDateEpoch);
  }

  @Override
  public List<ExportLayer> layers(CacheResult result, CacheExportOptions options)
      throws IOException {
    List<ExportLayer> made = worker.exportLayers(result, request(options));
    List<ExportLayer> out = new ArrayList<>(made.size());
    for (int i = 0; i < made.size(); i++) {
      ExportLayer l = made.get(i);
      // A result known by descriptors carries where its layers came from and when.
      Descriptor stored = i < result.layers().size() ? result.layers().get(i) : null;
      String from = origin.apply(l.blob().digest());
      if (from == null && stored != null) {
        from = distributionSource(stored);
      }
      Descriptor blob = l.blob();
      String created = stored == null ? null : stored.annotation(CacheAnnotations.CREATED_AT);
      if (created != null) {
        blob = blob.withAnnotation(CacheAnnotations.CREATED_AT, created);
      }
      Instant clamped = worker.clampedTo(blob.digest());
      String rewritten =
          clamped != null
              ? Long.toString(clamped.getEpochSecond())
              : stored == null ? null : stored.annotation(CacheAnnotations.REWRITTEN_TIMESTAMP);
      if (rewritten != null) {
        blob = blob.withAnnotation(CacheAnnotations.REWRITTEN_TIMESTAMP, rewritten);
      }
      out.add(new ExportLayer(blob, l.diffId(), from));
    }
    return out;
  }

  @Override
  public List<String> identities(CacheResult result) throws IOException {
    return worker.layerIds(result);
  }

  /** {@code host/repo} of the first {@code containerd.io/distribution.source.<host>}, or null. */
  private static String distributionSource(Descriptor d) {
    for (Map.Entry<String, String> e : d.annotations().entrySet()) {
      String k = e.getKey();
      if (k.startsWith(CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX) && !e.getValue().isEmpty()) {
        String host = k.substring(CacheAnnotations.DISTRIBUTION_SOURCE_PREFIX.length());
        return host + "/" + e.getValue().split(",")[0];
      }
    }
    return null;
  }
}
