package dev.kiln.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image configuration: the OCI image config ({@code application/vnd.oci.image.config.v1+json})
 * or Docker's container config ({@code application/vnd.docker.container.image.v1+json}), which
 * share one shape. Immutable and thread-safe.
 *
 * <p>Top-level fields kiln does not model are kept in {@link #extra()} and written back unchanged,
 * so a config carrying BuildKit's {@code moby.buildkit.cache.v0} (inline cache) or {@code
 * moby.buildkit.buildinfo.v1}, or Docker's {@code container_config}, survives a parse/serialise
 * round trip. {@code created} is kept as the string that was read, so its precision is preserved.
 *
 * @param created RFC 3339 creation time, or null
 * @param author author, or null
 * @param architecture CPU architecture, e.g. {@code amd64}
 * @param os operating system, e.g. {@code linux}
 * @param osVersion {@code os.version}, or null
 * @param osFeatures {@code os.features}
 * @param variant CPU variant, e.g. {@code v8}, or null
 * @param config how to run a container, or null
 * @param rootfs the layer diffIDs, or null
 * @param history one entry per build step, including empty-layer steps
 * @param extra every other top-level field, by name, as parsed JSON
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({
  "created",
  "author",
  "architecture",
  "os",
  "os.version",
  "os.features",
  "variant",
  "config",
  "rootfs",
  "history"
})
public record ImageConfig(
    @JsonProperty("created") String created,
    @JsonProperty("author") String author,
    @JsonProperty("architecture") String architecture,
    @JsonProperty("os") String os,
    @JsonProperty("os.version") String osVersion,
    @JsonProperty("os.features") List<String> osFeatures,
    @JsonProperty("variant") String variant,
    @JsonProperty("config") ContainerConfig config,
    @JsonProperty("rootfs") RootFs rootfs,
    @JsonProperty("history") List<History> history,
    @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

  /** Copies the collections; null collections become empty. */
  public ImageConfig {
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    history = history == null ? List.of() : List.copyOf(history);
    extra = extra == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extra));
  }

  /** A minimal config for {@code platform} with an empty layer list and no history. */
  public static ImageConfig of(Platform platform) {
    return new ImageConfig(
        null,
        null,
        platform.architecture(),
        platform.os(),
        platform.osVersion(),
        platform.osFeatures(),
        platform.variant(),
        ContainerConfig.empty(),
        RootFs.of(List.of()),
        null,
        null);
  }

  /** The platform this config declares, or null when os or architecture is missing. */
  public Platform platform() {
    if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
      return null;
    }
    return new Platform(architecture, os, osVersion, osFeatures, variant, null);
  }

  /** The container config, or an empty one when absent (never null). */
  public ContainerConfig containerConfig() {
    return config != null ? config : ContainerConfig.empty();
  }

  /** The layer diffIDs, base first (empty when there is no rootfs). */
  public List<Digest> diffIds() {
    return rootfs == null ? List.of() : rootfs.diffIds();
  }

  /** The value of an unmodelled top-level field, or null. */
  public JsonNode extra(String name) {
    return extra.get(name);
  }

  /** This config with {@code config} replaced. */
  public ImageConfig withConfig(ContainerConfig newConfig) {
    return new ImageConfig(
        created,
        author,
        architecture,
        os,
        osVersion,
        osFeatures,
        variant,
        newConfig,
        rootfs,
        history,
        extra);
  }

  /** This config with {@code created} replaced (RFC 3339 or null). */
  public ImageConfig withCreated(String newCreated) {
    return new ImageConfig(
        newCreated,
        author,
        architecture,
        os,
        osVersion,
        osFeatures,
        variant,
        config,
        rootfs,
        history,
        extra);
  }

  /** This config with one layer appended: its diffID to rootfs and {@code step} to history. */
  public ImageConfig withLayer(Digest diffId, History step) {
    List<Digest> ids = new ArrayList<>(diffIds());
    ids.add(diffId);
    return withHistoryEntry(step).withRootFs(RootFs.of(ids));
  }

  /** This config with {@code step} appended to history (use empty_layer for metadata steps). */
  public ImageConfig withHistoryEntry(History step) {
    List<History> h = new ArrayList<>(history);
    h.add(step);
    return new ImageConfig(
        created,
        author,
        architecture,
        os,
        osVersion,
        osFeatures,
        variant,
        config,
        rootfs,
        h,
        extra);
  }

  /** This config with {@code rootfs} replaced. */
  public ImageConfig withRootFs(RootFs newRootFs) {
    return new ImageConfig(
        created,
        author,
        architecture,
        os,
        osVersion,
        osFeatures,
        variant,
        config,
        newRootFs,
        history,
        extra);
  }

  /**
   * This config with an unmodelled top-level field set ({@code value} non-null) or removed ({@code
   * value} null), e.g. {@code moby.buildkit.cache.v0}.
   */
  public ImageConfig withExtra(String name, JsonNode value) {
    Map<String, JsonNode> copy = new TreeMap<>(extra);
    if (value == null) {
      copy.remove(name);
    } else {
      copy.put(name, value);
    }
    return new ImageConfig(
        created,
        author,
        architecture,
        os,
        osVersion,
        osFeatures,
        variant,
        config,
        rootfs,
        history,
        copy);
  }

  /**
   * The {@code rootfs} object.
   *
   * @param type always {@code layers}
   * @param diffIds digests of the uncompressed layer tars, base first
   * @param extra other fields (e.g. Windows' {@code base_layer})
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"type", "diff_ids"})
  public record RootFs(
      @JsonProperty("type") String type,
      @JsonProperty("diff_ids") @JsonInclude(JsonInclude.Include.ALWAYS) List<Digest> diffIds,
      @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /** Defaults the type to {@code layers}; copies the collections. */
    public RootFs {
      type = type == null ? "layers" : type;
      diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
      extra = extra == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extra));
    }

    /** A {@code layers} rootfs of the given diffIDs. */
    public static RootFs of(List<Digest> diffIds) {
      return new RootFs("layers", diffIds, null);
    }
  }

  /**
   * One {@code history} entry.
   *
   * @param created RFC 3339 time, or null
   * @param createdBy the command that produced the step, or null
   * @param author author, or null
   * @param comment comment (BuildKit writes {@code buildkit.dockerfile.v0}), or null
   * @param emptyLayer true when the step produced no layer; omitted on output when false
   * @param extra other fields
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"created", "created_by", "author", "comment", "empty_layer"})
  public record History(
      @JsonProperty("created") String created,
      @JsonProperty("created_by") String createdBy,
      @JsonProperty("author") String author,
      @JsonProperty("comment") String comment,
      @JsonProperty("empty_layer") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean emptyLayer,
      @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /** Copies the extra fields. */
    public History {
      extra = extra == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extra));
    }

    /** A history entry of the common fields. */
    public static History of(String created, String createdBy, String comment, boolean empty) {
      return new History(created, createdBy, null, comment, empty, null);
    }
  }
}
