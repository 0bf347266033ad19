package dev.kiln.solver.remote;

import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.LayerCompressor;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.worker.LocalWorker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link ResultLayers} over today's worker: {@link LocalWorker#exportLayers} for each layer's blob
 * and diffID, a {@link LayerCompressor} for layers that must change compression. A layer's origin
 * (where it already lives, so an exporter can mount it) is what {@code origin} says (a base image's
 * repository), else its descriptor's first {@code containerd.io/distribution.source.<host>}
 * annotation (an imported layer); a layer with an origin keeps its compression unless forced.
 * Conversions are remembered for the life of this object, so each layer variant is made once per
 * build; {@code buildkit/createdat} of the result's descriptors is kept. Thread-safe.
 */
public final class WorkerResultLayers implements ResultLayers {

  private final LocalWorker worker;
  private final LayerCompressor compressor;
  private final ContentStore store;
  private final Function<Digest, String> origin;
  private final Map<Variant, ExportLayer> converted = new ConcurrentHashMap<>();

  private record Variant(Digest blob, MediaTypes.Compression target, Integer level) {}

  /**
   * @param worker describes each result's layers
   * @param compressor converts blobs to another compression, storing them in {@code store}
   * @param store where blobs are read from and converted blobs written to (lazy imported blobs are
   *     only read when a conversion needs them)
   * @param origin the {@code registry/repository} a blob already lives in (a base image), or null
   */
  public WorkerResultLayers(
      LocalWorker worker,
      LayerCompressor compressor,
      ContentStore store,
      Function<Digest, String> origin) {
    this.worker = Objects.requireNonNull(worker, "worker");
    this.compressor = Objects.requireNonNull(compressor, "compressor");
    this.store = Objects.requireNonNull(store, "store");
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  @Override
  public List<ExportLayer> layers(CacheResult result, CacheExportOptions options)
      throws IOException {
    List<ExportLayer> plain = worker.exportLayers(result);
    List<ExportLayer> out = new ArrayList<>(plain.size());
    for (int i = 0; i < plain.size(); i++) {
      Descriptor stored = result.layers().get(i);
      ExportLayer l = plain.get(i);
      String from = origin.apply(l.blob().digest());
      if (from == null) {
        from = distributionSource(stored);
      }
      l = new ExportLayer(l.blob(), l.diffId(), from);
      if (wanted(l, options)) {
        l = convert(l, options);
      }
      String created = stored.annotation(CacheAnnotations.CREATED_AT);
      if (created != null) {
        l =
            new ExportLayer(
                l.blob().withAnnotation(CacheAnnotations.CREATED_AT, created),
                l.diffId(),
                l.origin());
      }
      out.add(l);
    }
    return out;
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

  private static boolean wanted(ExportLayer l, CacheExportOptions o) {
    String mt = l.blob().mediaType();
    if (MediaTypes.isNonDistributable(mt) || l.origin() != null && !o.forceCompression()) {
      return false;
    }
    return MediaTypes.layerCompression(mt) != o.compression() || o.compressionLevel() != null;
  }

  private ExportLayer convert(ExportLayer l, CacheExportOptions o) throws IOException {
    Variant v = new Variant(l.blob().digest(), o.compression(), o.compressionLevel());
    ExportLayer done = converted.get(v);
    if (done == null) {
      done = compressor.compress(l, o.compression(), o.compressionLevel(), store);
      converted.put(v, done);
    }
    return done;
  }
}
