package dev.kiln.core.cache.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.cache.internal.GoJson;
import dev.kiln.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes ⇄ {@link CacheConfig}, exactly as BuildKit's Go {@code encoding/json} writes and reads them
 * (cache-format.md §2.1, §2.3 step 5): compact, Go field order, {@code omitempty} where Go has it
 * ({@code parent} omitted when 0, {@code -1} written; {@code link}, {@code layer} and {@code
 * createdAt} always written), Go string escaping ({@code \u003c} …), times as RFC 3339 with
 * nanoseconds and trailing zeros trimmed. Reading is as lenient as Go's: unknown fields are
 * ignored, {@code null} counts as absent, a missing {@code parent} means 0, field names match
 * case-insensitively when there is no exact match. Thread-safe.
 */
public final class CacheConfigCodec {

  /**
   * The largest cache manifest or config BuildKit reads (1 MiB); a writer must stay below it and a
   * reader refuses more.
   */
  public static final int MAX_SIZE = 1 << 20;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CacheConfigCodec() {}

  /** The config's bytes. Does not validate; call {@link CacheConfig#validate()} first if needed. */
  public static byte[] encode(CacheConfig config) {
    StringBuilder sb = new StringBuilder(256 + 200 * config.records().size());
    sb.append('{');
    boolean comma = false;
    if (!config.layers().isEmpty()) {
      sb.append("\"layers\":[");
      for (int i = 0; i < config.layers().size(); i++) {
        appendLayer(i > 0 ? sb.append(',') : sb, config.layers().get(i));
      }
      sb.append(']');
      comma = true;
    }
    if (!config.records().isEmpty()) {
      appendRecords((comma ? sb.append(',') : sb).append("\"records\":"), config.records());
    }
    return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The bytes of a bare records array, as an inline cache holds it (cache-format.md §4.1, before
   * base64).
   */
  public static byte[] encodeRecords(List<CacheConfig.Record> records) {
    StringBuilder sb = new StringBuilder(256 + 200 * records.size());
    return appendRecords(sb, records).toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a cache config. Does not validate indexes; call {@link CacheConfig#validate()}.
   *
   * @throws CacheFormatException if the bytes are not JSON or a field has the wrong type
   */
  public static CacheConfig decode(byte[] bytes) throws CacheFormatException {
    JsonNode root = parse(bytes);
    if (!root.isObject()) {
      throw new CacheFormatException("cache config is not a JSON object");
    }
    List<CacheConfig.Layer> layers = new ArrayList<>();
    for (JsonNode l : array(field(root, "layers"), "layers")) {
      layers.add(layer(l, layers.size()));
    }
    return new CacheConfig(layers, records(field(root, "records"), "records"));
  }

  /**
   * Parses a bare records array (a decoded inline cache).
   *
   * @throws CacheFormatException if the bytes are not a JSON array of records
   */
  public static List<CacheConfig.Record> decodeRecords(byte[] bytes) throws CacheFormatException {
    JsonNode root = parse(bytes);
    if (!root.isArray()) {
      throw new CacheFormatException("inline cache is not a JSON array of records");
    }
    return records(root, "inline cache");
  }

  // --- writing ---

  private static void appendLayer(StringBuilder sb, CacheConfig.Layer layer) {
    sb.append("{\"blob\":\"").append(layer.blob()).append('"');
    if (layer.parent() != 0) {
      sb.append(",\"parent\":").append(layer.parent());
    }
    CacheConfig.LayerAnnotations a = layer.annotations();
    if (a != null) {
      sb.append(",\"annotations\":{");
      if (a.mediaType() != null && !a.mediaType().isEmpty()) {
        GoJson.appendString(sb.append("\"mediaType\":"), a.mediaType()).append(',');
      }
      if (a.diffId() != null) {
        sb.append("\"diffID\":\"").append(a.diffId()).append("\",");
      }
      if (a.size() != 0) {
        sb.append("\"size\":").append(a.size()).append(',');
      }
      appendTime(sb.append("\"createdAt\":"), a.createdAt()).append('}');
    }
    sb.append('}');
  }

  private static StringBuilder appendRecords(StringBuilder sb, List<CacheConfig.Record> records) {
    sb.append('[');
    for (int i = 0; i < records.size(); i++) {
      appendRecord(i > 0 ? sb.append(',') : sb, records.get(i));
    }
    return sb.append(']');
  }

  private static void appendRecord(StringBuilder sb, CacheConfig.Record r) {
    sb.append('{');
    if (!r.results().isEmpty()) {
      sb.append("\"layers\":[");
      for (int i = 0; i < r.results().size(); i++) {
        CacheConfig.Result res = r.results().get(i);
        sb.append(i > 0 ? ",{\"layer\":" : "{\"layer\":").append(res.layer());
        appendTime(sb.append(",\"createdAt\":"), res.createdAt()).append('}');
      }
      sb.append("],");
    }
    if (!r.chains().isEmpty()) {
      sb.append("\"chains\":[");
      for (int i = 0; i < r.chains().size(); i++) {
        CacheConfig.ChainedResult c = r.chains().get(i);
        sb.append(i > 0 ? ",{\"layers\":[" : "{\"layers\":[");
        for (int j = 0; j < c.layers().size(); j++) {
          sb.append(j > 0 ? "," : "").append(c.layers().get(j));
        }
        appendTime(sb.append("],\"createdAt\":"), c.createdAt()).append('}');
      }
      sb.append("],");
    }
    sb.append("\"digest\":\"").append(r.digest()).append('"');
    if (!r.inputs().isEmpty()) {
      sb.append(",\"inputs\":[");
      for (int i = 0; i < r.inputs().size(); i++) {
        sb.append(i > 0 ? ",[" : "[");
        List<CacheConfig.Input> group = r.inputs().get(i);
        for (int j = 0; j < group.size(); j++) {
          CacheConfig.Input in = group.get(j);
          sb.append(j > 0 ? ",{" : "{");
          if (in.selector() != null) {
            sb.append("\"selector\":\"").append(in.selector()).append("\",");
          }
          sb.append("\"link\":").append(in.link()).append('}');
        }
        sb.append(']');
      }
      sb.append(']');
    }
    sb.append('}');
  }

  private static StringBuilder appendTime(StringBuilder sb, OffsetDateTime t) {
    return sb.append('"').append(GoJson.formatTime(t)).append('"');
  }

  // --- reading ---

  private static JsonNode parse(byte[] bytes) throws CacheFormatException {
    try {
      JsonNode root = MAPPER.readTree(bytes);
      if (root == null) {
        throw new CacheFormatException("cache config is empty");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new CacheFormatException(
          "cache config is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new CacheFormatException("cache config cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<CacheConfig.Record> records(JsonNode node, String where)
      throws CacheFormatException {
    List<CacheConfig.Record> records = new ArrayList<>();
    for (JsonNode r : array(node, where)) {
      records.add(record(r, records.size()));
    }
    return records;
  }

  private static CacheConfig.Layer layer(JsonNode l, int index) throws CacheFormatException {
    String where = "layers[" + index + "]";
    object(l, where);
    JsonNode a = field(l, "annotations");
    CacheConfig.LayerAnnotations annotations = null;
    if (a != null) {
      object(a, where + ".annotations");
      String mt = string(field(a, "mediaType"), where + ".annotations.mediaType");
      annotations =
          new CacheConfig.LayerAnnotations(
              mt == null || mt.isEmpty() ? null : mt,
              optionalDigest(field(a, "diffID"), where + ".annotations.diffID"),
              longValue(field(a, "size"), where + ".annotations.size"),
              time(field(a, "createdAt"), where + ".annotations.createdAt"));
    }
    Digest blob = optionalDigest(field(l, "blob"), where + ".blob");
    if (blob == null) {
      throw new CacheFormatException("cache config " + where + " has no blob");
    }
    int parent = intValue(field(l, "parent"), where + ".parent");
    if (parent < -1) {
      throw new CacheFormatException("cache config " + where + " has parent " + parent);
    }
    return new CacheConfig.Layer(blob, parent, annotations);
  }

  private static CacheConfig.Record record(JsonNode r, int index) throws CacheFormatException {
    String where = "records[" + index + "]";
    object(r, where);
    List<CacheConfig.Result> results = new ArrayList<>();
    for (JsonNode res : array(field(r, "layers"), where + ".layers")) {
      object(res, where + ".layers[]");
      results.add(
          new CacheConfig.Result(
              intValue(field(res, "layer"), where + ".layers[].layer"),
              time(field(res, "createdAt"), where + ".layers[].createdAt")));
    }
    List<CacheConfig.ChainedResult> chains = new ArrayList<>();
    for (JsonNode c : array(field(r, "chains"), where + ".chains")) {
      object(c, where + ".chains[]");
      List<Integer> idx = new ArrayList<>();
      for (JsonNode i : array(field(c, "layers"), where + ".chains[].layers")) {
        idx.add(intValue(i, where + ".chains[].layers[]"));
      }
      chains.add(
          new CacheConfig.ChainedResult(idx, time(field(c, "createdAt"), where + ".chains[]")));
    }
    Digest digest = optionalDigest(field(r, "digest"), where + ".digest");
    if (digest == null) {
      throw new CacheFormatException("cache config " + where + " has no digest");
    }
    List<List<CacheConfig.Input>> inputs = new ArrayList<>();
    for (JsonNode group : array(field(r, "inputs"), where + ".inputs")) {
      List<CacheConfig.Input> g = new ArrayList<>();
      for (JsonNode in : array(group, where + ".inputs[]")) {
        object(in, where + ".inputs[][]");
        g.add(
            new CacheConfig.Input(
                optionalDigest(field(in, "selector"), where + ".inputs[].selector"),
                intValue(field(in, "link"), where + ".inputs[].link")));
      }
      inputs.add(g);
    }
    return new CacheConfig.Record(results, chains, digest, inputs);
  }

  /** The field, matched exactly or else case-insensitively (as Go does); null if absent/null. */
  private static JsonNode field(JsonNode obj, String name) {
    JsonNode v = obj.get(name);
    if (v == null) {
      String lower = name.toLowerCase(Locale.ROOT);
      for (Map.Entry<String, JsonNode> e : obj.properties()) {
        if (e.getKey().toLowerCase(Locale.ROOT).equals(lower)) {
          v = e.getValue();
        }
      }
    }
    return v == null || v.isNull() ? null : v;
  }

  private static void object(JsonNode n, String where) throws CacheFormatException {
    if (!n.isObject()) {
      throw new CacheFormatException("cache config " + where + " is not an object");
    }
  }

  private static Iterable<JsonNode> array(JsonNode n, String where) throws CacheFormatException {
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new CacheFormatException("cache config " + where + " is not an array");
    }
    return n;
  }

  private static int intValue(JsonNode n, String where) throws CacheFormatException {
    if (n == null) {
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new CacheFormatException("cache config " + where + " is not an integer: " + n);
    }
    return n.intValue();
  }

  private static long longValue(JsonNode n, String where) throws CacheFormatException {
    if (n == null) {
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new CacheFormatException("cache config " + where + " is not an integer: " + n);
    }
    return n.longValue();
  }

  private static String string(JsonNode n, String where) throws CacheFormatException {
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw new CacheFormatException("cache config " + where + " is not a string");
    }
    return n.textValue();
  }

  private static Digest optionalDigest(JsonNode n, String where) throws CacheFormatException {
    String s = string(n, where);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Digest.parse(s);
    } catch (IllegalArgumentException e) {
      throw new CacheFormatException("cache config " + where + ": " + e.getMessage(), e);
    }
  }

  private static OffsetDateTime time(JsonNode n, String where) throws CacheFormatException {
    String s = string(n, where);
    if (s == null) {
      // Go leaves the zero time when the field is missing
      return CacheConfig.GO_ZERO_TIME;
    }
    try {
      return GoJson.parseTime(s);
    } catch (IllegalArgumentException e) {
      throw new CacheFormatException("cache config " + where + ": " + e.getMessage(), e);
    }
  }
}
