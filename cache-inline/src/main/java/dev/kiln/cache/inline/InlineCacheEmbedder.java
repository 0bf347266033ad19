package dev.kiln.cache.inline;

import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.CacheConfigCodec;
import dev.kiln.core.cache.remote.InlineCacheCodec;
import dev.kiln.core.cache.remote.MarshalledCache;
import dev.kiln.core.port.CacheEmbedder;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * {@code --cache-to type=inline}: the solve's cache graph (min mode) restricted to the exported
 * image's layers ({@link InlineRecords}), base64-encoded into the config field {@code
 * moby.buildkit.cache.v0}. The image's layers are the cache's layers: nothing is uploaded or
 * converted for it. Stateless and thread-safe.
 */
final class InlineCacheEmbedder implements CacheEmbedder {

  /** The progress step, named as BuildKit names it. */
  static final String STEP = "preparing layers for inline cache";

  /**
   * The largest value embedded: BuildKit and kiln read image configs of at most 1 MiB, and the rest
   * of the config needs room too.
   */
  static final int MAX_VALUE = CacheConfigCodec.MAX_SIZE - 128 * 1024;

  private final CacheExportOptions options;
  private final List<String> warnings;

  InlineCacheEmbedder(CacheExportOptions options, List<String> warnings) {
    this.options = options;
    this.warnings = List.copyOf(warnings);
  }

  @Override
  public String name() {
    return "inline";
  }

  @Override
  public CacheExportOptions options() {
    return options;
  }

  @Override
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public Map<String, String> embed(
      CacheChains chains, List<ExportLayer> layers, Instant createdAt, ProgressListener progress)
      throws IOException {
    Digest step = Digests.sha256("kiln.cache-step:inline\n" + STEP);
    progress.vertexStarted(step, STEP);
    try {
      MarshalledCache marshalled = chains.marshal();
      OffsetDateTime at = createdAt == null ? null : createdAt.atOffset(ZoneOffset.UTC);
      List<CacheConfig.Record> records = InlineRecords.forImage(marshalled, layers, at);
      if (records.isEmpty()) {
        progress.log(
            step, ProgressListener.LogStream.STDOUT, "no result matches the image's layers");
        progress.vertexCompleted(step, STEP);
        return Map.of();
      }
      String value = InlineCacheCodec.encode(records);
      if (value.length() > MAX_VALUE) {
        throw new IOException(
            "inline cache of "
                + records.size()
                + " records is "
                + value.length()
                + " bytes; image configs over "
                + CacheConfigCodec.MAX_SIZE
                + " bytes are not read back: export the cache with --cache-to type=registry");
      }
      long withLayers =
          records.stream().filter(r -> !r.results().isEmpty() || !r.chains().isEmpty()).count();
      progress.log(
          step,
          ProgressListener.LogStream.STDOUT,
          records.size() + " records, " + withLayers + " with layers of the image");
      progress.vertexCompleted(step, STEP);
      return Map.of(InlineCacheCodec.CONFIG_KEY, value);
    } catch (IOException | RuntimeException e) {
      progress.vertexFailed(step, STEP, String.valueOf(e.getMessage()));
      throw e;
    }
  }
}
