package dev.kiln.cache.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.cache.remote.BlobFetcher;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.CacheConfigCodec;
import dev.kiln.core.cache.remote.CacheFormatException;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.cache.remote.InlineCacheCodec;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.ImageIndex;
import dev.kiln.oci.ImageManifest;
import dev.kiln.oci.Manifest;
import dev.kiln.oci.Manifests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.OciFormatException;
import dev.kiln.oci.OciJson;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a cache's top-level object into an {@link ImportedCache} (cache-format.md §7.1, §4.3): an
 * image manifest whose config is a cache config, an index / manifest list with the config among its
 * entries (every other entry is a layer blob), or an image (or, in an index of images, the one for
 * this machine's platform) carrying an inline cache in its config's {@code moby.buildkit.cache.v0}
 * — an image without one is an empty cache, a corrupt value a {@link CacheFormatException}.
 * Manifests and configs over 1 MiB are refused. Only small documents are read; layer blobs stay
 * where they are.
 */
final class CacheReader {

  /** Inline cache field of an image config. */
  static final String INLINE_KEY = InlineCacheCodec.CONFIG_KEY;

  /** Reads the small documents of one cache source. */
  interface Source {
    /** A child manifest of an index, verified against its descriptor. */
    byte[] manifest(Descriptor d) throws IOException;

    /** A config blob, verified against its descriptor. */
    byte[] blob(Descriptor d) throws IOException;

    /** Opens layer blobs when the solver needs them. */
    BlobFetcher fetcher();

    /**
     * Annotations to add to every layer descriptor (where the blobs can be mounted from), or an
     * empty map.
     */
    Map<String, String> layerAnnotations();
  }

  private CacheReader() {}

  /**
   * @throws CacheFormatException if a document is malformed, too large or inconsistent
   * @throws IOException if a document cannot be read
   */
  static ImportedCache read(String name, byte[] top, String mediaType, Source source)
      throws IOException, CacheFormatException {
    checkSize("cache manifest", top.length);
    Manifest m = parse(top, mediaType);
    if (m instanceof ImageIndex index) {
      Descriptor config = null;
      List<Descriptor> layers = new ArrayList<>();
      for (Descriptor d : index.manifests()) {
        if (MediaTypes.BUILDKIT_CACHE_CONFIG.equals(d.mediaType()) && config == null) {
          config = d;
        } else {
          layers.add(d);
        }
      }
      if (config != null) {
        return cache(name, config, layers, source);
      }
      return inline(name, index, source);
    }
    ImageManifest manifest = (ImageManifest) m;
    if (MediaTypes.BUILDKIT_CACHE_CONFIG.equals(manifest.config().mediaType())) {
      return cache(name, manifest.config(), manifest.layers(), source);
    }
    return inline(name, List.of(manifest), source);
  }

  private static ImportedCache cache(
      String name, Descriptor configDesc, List<Descriptor> layers, Source source)
      throws IOException, CacheFormatException {
    checkSize("cache config", configDesc.size());
    CacheConfig config = CacheConfigCodec.decode(source.blob(configDesc));
    return ImportedCache.of(name, config, annotate(layers, source), source.fetcher());
  }

  /**
   * The inline cache of the index's image for this machine's platform (cache-format.md §4.3 reads
   * every platform's; a build can only use its own). Entries without a platform count when no entry
   * names this one.
   */
  private static ImportedCache inline(String name, ImageIndex index, Source source)
      throws IOException, CacheFormatException {
    List<Descriptor> candidates =
        index
            .forPlatform(Platform.current())
            .map(List::of)
            .orElseGet(
                () ->
                    index.manifests().stream()
                        .filter(d -> d.platform() == null)
                        .filter(d -> MediaTypes.isImageManifest(d.mediaType()))
                        .toList());
    List<ImageManifest> images = new ArrayList<>();
    for (Descriptor d : candidates) {
      checkSize("manifest " + d.digest(), d.size());
      Manifest child = parse(source.manifest(d), d.mediaType());
      if (child instanceof ImageManifest im) {
        images.add(im);
      }
    }
    return inline(name, images, source);
  }

  /**
   * Every image's inline records, merged into one config: each image's layers become a chain (layer
   * i over layer i-1) appended to the table, its records appended with indexes shifted.
   */
  private static ImportedCache inline(String name, List<ImageManifest> images, Source source)
      throws IOException, CacheFormatException {
    List<CacheConfig.Layer> layers = new ArrayList<>();
    List<Descriptor> descriptors = new ArrayList<>();
    List<CacheConfig.Record> records = new ArrayList<>();
    for (ImageManifest image : images) {
      if (image.layers().isEmpty() || !MediaTypes.isImageConfig(image.config().mediaType())) {
        continue;
      }
      checkSize("image config " + image.config().digest(), image.config().size());
      JsonNode config = parseJson(source.blob(image.config()), "image config");
      JsonNode inline = config.get(INLINE_KEY);
      JsonNode diffIds = config.path("rootfs").path("diff_ids");
      if (inline == null || !inline.isTextual() || diffIds.size() != image.layers().size()) {
        continue; // no inline cache, or BuildKit's "diff_ids count mismatch": skipped
      }
      List<CacheConfig.Record> inlineRecords;
      try {
        inlineRecords = InlineCacheCodec.decode(inline.asText());
      } catch (CacheFormatException e) {
        throw new CacheFormatException(
            "image config " + image.config().digest() + ": " + e.getMessage(), e);
      }
      List<String> created = layerCreationTimes(config, image.layers().size());
      int layerOffset = layers.size();
      int recordOffset = records.size();
      for (int i = 0; i < image.layers().size(); i++) {
        layers.add(
            CacheConfig.Layer.of(
                image.layers().get(i).digest(), i == 0 ? -1 : layerOffset + i - 1));
        Descriptor d =
            image
                .layers()
                .get(i)
                .withAnnotation(CacheAnnotations.UNCOMPRESSED, diffIds.get(i).asText());
        if (created.get(i) != null) {
          d = d.withAnnotation(CacheAnnotations.CREATED_AT, created.get(i));
        }
        descriptors.add(d);
      }
      for (CacheConfig.Record r : inlineRecords) {
        records.add(shift(r, layerOffset, recordOffset));
      }
    }
    if (records.isEmpty()) {
      return ImportedCache.empty(name);
    }
    return ImportedCache.of(
        name, new CacheConfig(layers, records), annotate(descriptors, source), source.fetcher());
  }

  private static CacheConfig.Record shift(CacheConfig.Record r, int layerOffset, int recordOffset) {
    if (layerOffset == 0 && recordOffset == 0) {
      return r;
    }
    List<CacheConfig.Result> results = new ArrayList<>();
    for (CacheConfig.Result res : r.results()) {
      results.add(new CacheConfig.Result(res.layer() + layerOffset, res.createdAt()));
    }
    List<CacheConfig.ChainedResult> chains = new ArrayList<>();
    for (CacheConfig.ChainedResult c : r.chains()) {
      chains.add(
          new CacheConfig.ChainedResult(
              c.layers().stream().map(i -> i + layerOffset).toList(), c.createdAt()));
    }
    List<List<CacheConfig.Input>> inputs = new ArrayList<>();
    for (List<CacheConfig.Input> group : r.inputs()) {
      inputs.add(
          group.stream()
              .map(in -> new CacheConfig.Input(in.selector(), in.link() + recordOffset))
              .toList());
    }
    return new CacheConfig.Record(results, chains, r.digest(), inputs);
  }

  /** The {@code created} of the i-th history entry that is not an empty layer, per layer. */
  private static List<String> layerCreationTimes(JsonNode config, int layers) {
    List<String> out = new ArrayList<>();
    for (JsonNode h : config.path("history")) {
      if (!h.path("empty_layer").asBoolean(false)) {
        out.add(h.path("created").isTextual() ? h.path("created").asText() : null);
      }
    }
    while (out.size() < layers) {
      out.add(null);
    }
    return out;
  }

  private static List<Descriptor> annotate(List<Descriptor> layers, Source source) {
    if (source.layerAnnotations().isEmpty()) {
      return layers;
    }
    List<Descriptor> out = new ArrayList<>(layers.size());
    for (Descriptor d : layers) {
      Map<String, String> a = new java.util.TreeMap<>(d.annotations());
      source.layerAnnotations().forEach(a::putIfAbsent);
      out.add(d.withAnnotations(a));
    }
    return out;
  }

  private static Manifest parse(byte[] bytes, String mediaType) throws CacheFormatException {
    try {
      return Manifests.parse(bytes, mediaType);
    } catch (OciFormatException | IllegalArgumentException e) {
      throw new CacheFormatException("cache manifest is malformed: " + e.getMessage(), e);
    }
  }

  private static JsonNode parseJson(byte[] bytes, String what) throws CacheFormatException {
    try {
      JsonNode n = OciJson.parseTree(bytes);
      if (!n.isObject()) {
        throw new CacheFormatException(what + " is not a JSON object");
      }
      return n;
    } catch (OciFormatException e) {
      throw new CacheFormatException(what + " is malformed: " + e.getMessage(), e);
    }
  }

  private static void checkSize(String what, long size) throws CacheFormatException {
    if (size > CacheConfigCodec.MAX_SIZE) {
      throw new CacheFormatException(
          what + " is too large (" + size + " > " + CacheConfigCodec.MAX_SIZE + " bytes)");
    }
  }
}
