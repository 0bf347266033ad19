package dev.kiln.core.cache.remote;

import dev.kiln.oci.Digest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * BuildKit's cache config ({@code application/vnd.buildkit.cacheconfig.v0}, cache-format.md §2) as
 * it is on the wire: a table of layer-chain nodes and a list of key records with links and results.
 * {@link CacheConfigCodec} turns it into bytes and back; {@link #validate()} checks the indexes.
 * Immutable and thread-safe. Field names follow the JSON names.
 *
 * @param layers the layer-chain nodes ({@code layers}); a result's chain is a node plus its parents
 * @param records the key graph ({@code records}); links and results point into the two lists
 */
public record CacheConfig(List<Layer> layers, List<Record> records) {

  /** Go's zero {@code time.Time}, {@code 0001-01-01T00:00:00Z}: what a missing time decodes to. */
  public static final OffsetDateTime GO_ZERO_TIME =
      OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, java.time.ZoneOffset.UTC);

  /** Copies the lists. */
  public CacheConfig {
    layers = layers == null ? List.of() : List.copyOf(layers);
    records = records == null ? List.of() : List.copyOf(records);
  }

  /**
   * One node of the layer trie.
   *
   * @param blob digest of the (compressed) layer blob
   * @param parent index of the node below this one in {@code layers}, or -1 for a bottom layer
   *     (written as {@code -1}; index 0 is written by omitting the field, as Go's {@code
   *     omitempty})
   * @param annotations the descriptor fields carried in the config by backends without a manifest
   *     (gha, s3, azblob), or null; the registry backend neither writes nor reads them
   */
  public record Layer(Digest blob, int parent, LayerAnnotations annotations) {

    /** Requires a blob and a parent >= -1. */
    public Layer {
      Objects.requireNonNull(blob, "layer blob");
      if (parent < -1) {
        throw new IllegalArgumentException("layer " + blob + " has parent " + parent + " < -1");
      }
    }

    /** A node without annotations. */
    public static Layer of(Digest blob, int parent) {
      return new Layer(blob, parent, null);
    }
  }

  /**
   * Descriptor fields of a layer kept in the config itself ({@code annotations}).
   *
   * @param mediaType the blob's media type, or null
   * @param diffId digest of the uncompressed tar, or null
   * @param size the blob's size, or 0 when unknown
   * @param createdAt creation time of the layer (always written, Go's zero time when unknown)
   */
  public record LayerAnnotations(
      String mediaType, Digest diffId, long size, OffsetDateTime createdAt) {

    /** Requires a creation time. */
    public LayerAnnotations {
      Objects.requireNonNull(createdAt, "annotations createdAt");
    }
  }

  /**
   * One key record: its digest ({@code rootKey(D, out)}), its input links and its results.
   *
   * @param results results as "this layer node with all its parents" ({@code layers})
   * @param chains results as explicit lists of layer indexes ({@code chains}; inline caches)
   * @param digest the key digest
   * @param inputs per input index, the non-empty list of records that can serve as that input
   */
  public record Record(
      List<Result> results, List<ChainedResult> chains, Digest digest, List<List<Input>> inputs) {

    /** Requires a digest; deep-copies the lists. */
    public Record {
      Objects.requireNonNull(digest, "record digest");
      results = results == null ? List.of() : List.copyOf(results);
      chains = chains == null ? List.of() : List.copyOf(chains);
      List<List<Input>> copy = new ArrayList<>();
      if (inputs != null) {
        for (List<Input> group : inputs) {
          copy.add(List.copyOf(group));
        }
      }
      inputs = List.copyOf(copy);
    }
  }

  /**
   * A result whose chain is layer node {@code layer} and its parents.
   *
   * @param layer index into {@code layers}
   * @param createdAt when the result was created
   */
  public record Result(int layer, OffsetDateTime createdAt) {

    /** Requires a creation time. */
    public Result {
      Objects.requireNonNull(createdAt, "result createdAt");
    }
  }

  /**
   * A result whose chain is the given layer nodes, bottom first, without following parents.
   *
   * @param layers indexes into {@code layers}
   * @param createdAt when the result was created (Go's zero time from the inline exporter)
   */
  public record ChainedResult(List<Integer> layers, OffsetDateTime createdAt) {

    /** Requires a creation time; copies the list. */
    public ChainedResult {
      layers = List.copyOf(layers);
      Objects.requireNonNull(createdAt, "chain createdAt");
    }
  }

  /**
   * One link: record {@code link} can serve as this input, through {@code selector}.
   *
   * @param selector the link's selector, or null (written only when present)
   * @param link index into {@code records}
   */
  public record Input(Digest selector, int link) {}

  /**
   * Checks what BuildKit's parser checks (cache-format.md §2.2): every {@code parent}, result
   * {@code layer}, chain index and {@code link} in range, no empty input group, no loop in parent
   * pointers or links.
   *
   * @return this config
   * @throws CacheFormatException naming the first problem
   */
  public CacheConfig validate() throws CacheFormatException {
    CacheConfigValidator.validate(this);
    return this;
  }
}
