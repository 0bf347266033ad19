package dev.kiln.core.cache.remote;

import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link CacheChains#marshal()} produces: the normalised cache config and, in the order of its
 * {@code layers} (a blob under two parents is listed twice, as BuildKit does), the layer
 * descriptors a manifest lists, annotated with {@code containerd.io/uncompressed} and {@code
 * buildkit/createdat} (and {@code containerd.io/distribution.source.<host>} for layers with an
 * origin). Immutable.
 *
 * @param config the cache config
 * @param layers one descriptor per {@code config.layers()} entry, same order
 * @param blobs per distinct blob digest, the exporter layer it came from (to read its content from
 *     the content store, or to mount it from its origin)
 */
public record MarshalledCache(
    CacheConfig config, List<Descriptor> layers, Map<Digest, ExportLayer> blobs) {

  /** Copies; requires one descriptor per config layer. */
  public MarshalledCache {
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    blobs = Map.copyOf(blobs);
    if (layers.size() != config.layers().size()) {
      throw new IllegalArgumentException(
          layers.size() + " descriptors for " + config.layers().size() + " config layers");
    }
  }

  /** True when no record has a result: there is nothing worth exporting. */
  public boolean isEmpty() {
    return config.layers().isEmpty();
  }

  /** The distinct layer descriptors, first occurrence kept, in manifest order. */
  public List<Descriptor> distinctLayers() {
    return layers.stream()
        .collect(
            java.util.stream.Collectors.toMap(
                Descriptor::digest, d -> d, (a, b) -> a, java.util.LinkedHashMap::new))
        .values()
        .stream()
        .toList();
  }
}
