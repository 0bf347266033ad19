package dev.kiln.core.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheConfigCodecTest {

  static final Digest A = Digests.sha256("a");
  static final Digest B = Digests.sha256("b");
  static final Digest C = Digests.sha256("c");
  static final Digest SEL = Digests.sha256("/");

  private static String encode(CacheConfig c) {
    return new String(CacheConfigCodec.encode(c), StandardCharsets.UTF_8);
  }

  private static CacheConfig decode(String json) throws CacheFormatException {
    return CacheConfigCodec.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encode_goFieldOrderAndOmitempty_matchesGolden() {
    OffsetDateTime t = OffsetDateTime.parse("2026-08-01T10:00:03.500Z");
    CacheConfig c =
        new CacheConfig(
            List.of(CacheConfig.Layer.of(A, -1), CacheConfig.Layer.of(B, 0)),
            List.of(
                new CacheConfig.Record(null, null, C, null),
                new CacheConfig.Record(
                    List.of(new CacheConfig.Result(1, t)),
                    null,
                    A,
                    List.of(
                        List.of(new CacheConfig.Input(null, 0), new CacheConfig.Input(SEL, 0))))));
    assertThat(encode(c))
        .isEqualTo(
            "{\"layers\":[{\"blob\":\""
                + A
                + "\",\"parent\":-1},{\"blob\":\""
                + B
                + "\"}],\"records\":[{\"digest\":\""
                + C
                + "\"},{\"layers\":[{\"layer\":1,\"createdAt\":\"2026-08-01T10:00:03.5Z\"}],"
                + "\"digest\":\""
                + A
                + "\",\"inputs\":[[{\"link\":0},{\"selector\":\""
                + SEL
                + "\",\"link\":0}]]}]}");
  }

  @Test
  void encode_emptyConfig_isEmptyObject() {
    assertThat(encode(new CacheConfig(null, null))).isEqualTo("{}");
  }

  @Test
  void encode_chainsAndAnnotations_goShapes() throws Exception {
    CacheConfig c =
        new CacheConfig(
            List.of(
                new CacheConfig.Layer(
                    A,
                    -1,
                    new CacheConfig.LayerAnnotations(
                        "a<b>&c", B, 12, OffsetDateTime.parse("2026-01-02T03:04:05+01:00"))),
                new CacheConfig.Layer(
                    B,
                    0,
                    new CacheConfig.LayerAnnotations(null, null, 0, CacheConfig.GO_ZERO_TIME))),
            List.of(
                new CacheConfig.Record(
                    null,
                    List.of(new CacheConfig.ChainedResult(List.of(1, 0), CacheConfig.GO_ZERO_TIME)),
                    C,
                    null)));
    String json = encode(c);
    assertThat(json)
        .isEqualTo(
            "{\"layers\":[{\"blob\":\""
                + A
                + "\",\"parent\":-1,\"annotations\":{\"mediaType\":\"a\\u003cb\\u003e\\u0026c\","
                + "\"diffID\":\""
                + B
                + "\",\"size\":12,\"createdAt\":\"2026-01-02T03:04:05+01:00\"}},{\"blob\":\""
                + B
                + "\",\"annotations\":{\"createdAt\":\"0001-01-01T00:00:00Z\"}}],"
                + "\"records\":[{\"chains\":[{\"layers\":[1,0],\"createdAt\":"
                + "\"0001-01-01T00:00:00Z\"}],\"digest\":\""
                + C
                + "\"}]}");
    assertThat(decode(json)).isEqualTo(c);
    assertThat(encode(decode(json))).isEqualTo(json);
  }

  @Test
  void decode_goLeniency_missingParentIsZeroUnknownAndNullIgnoredCaseInsensitive()
      throws Exception {
    CacheConfig c =
        decode(
            "{\"Layers\":[{\"blob\":\""
                + A
                + "\",\"parent\":-1},{\"blob\":\""
                + B
                + "\",\"extra\":true}],\"records\":[{\"digest\":\""
                + C
                + "\",\"layers\":null,\"inputs\":null,\"future\":{\"x\":1}}],\"more\":[]}");
    assertThat(c.layers()).containsExactly(CacheConfig.Layer.of(A, -1), CacheConfig.Layer.of(B, 0));
    assertThat(c.records()).containsExactly(new CacheConfig.Record(null, null, C, null));
  }

  @Test
  void decode_missingCreatedAt_isGoZeroTime() throws Exception {
    CacheConfig c =
        decode(
            "{\"layers\":[{\"blob\":\""
                + A
                + "\",\"parent\":-1}],\"records\":[{\"digest\":\""
                + C
                + "\",\"layers\":[{\"layer\":0}]}]}");
    assertThat(c.records().get(0).results().get(0).createdAt()).isEqualTo(CacheConfig.GO_ZERO_TIME);
  }

  @Test
  void decode_notJson_failsNamingIt() {
    assertThatThrownBy(() -> decode("{\"layers\":["))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> decode("[]"))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("not a JSON object");
  }

  @Test
  void decode_wrongTypes_failNamingTheField() {
    assertThatThrownBy(() -> decode("{\"layers\":[{\"blob\":\"" + A + "\",\"parent\":1.5}]}"))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("layers[0].parent");
    assertThatThrownBy(() -> decode("{\"records\":[{\"digest\":\"sha256:xyz\"}]}"))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("records[0].digest");
    assertThatThrownBy(
            () ->
                decode(
                    "{\"records\":[{\"digest\":\""
                        + A
                        + "\",\"layers\":[{\"layer\":0,\"createdAt\":\"2026-01-01T00:00Z\"}]}]}"))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("not an RFC 3339 time");
    assertThatThrownBy(() -> decode("{\"records\":[{\"inputs\":[[{\"link\":0}]]}]}"))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("has no digest");
  }

  @Test
  void records_inlineArray_roundTrips() throws Exception {
    String json =
        "[{\"digest\":\"" + A + "\"},{\"digest\":\"" + B + "\",\"inputs\":[[{\"link\":0}]]}]";
    List<CacheConfig.Record> records =
        CacheConfigCodec.decodeRecords(json.getBytes(StandardCharsets.UTF_8));
    assertThat(records).hasSize(2);
    assertThat(new String(CacheConfigCodec.encodeRecords(records), StandardCharsets.UTF_8))
        .isEqualTo(json);
    assertThatThrownBy(() -> CacheConfigCodec.decodeRecords("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("array of records");
  }

  @Test
  void validate_indexesOutOfRange_failNamingTheRecord() {
    OffsetDateTime t = CacheConfig.GO_ZERO_TIME;
    assertThatThrownBy(() -> new CacheConfig(List.of(CacheConfig.Layer.of(A, 1)), null).validate())
        .hasMessageContaining("layer 0 has parent 1, out of range");
    assertThatThrownBy(
            () ->
                new CacheConfig(
                        List.of(CacheConfig.Layer.of(A, -1)),
                        List.of(
                            new CacheConfig.Record(
                                List.of(new CacheConfig.Result(1, t)), null, C, null)))
                    .validate())
        .hasMessageContaining("record 0 has a result with layer 1");
    assertThatThrownBy(
            () ->
                new CacheConfig(
                        null,
                        List.of(
                            new CacheConfig.Record(
                                null,
                                List.of(new CacheConfig.ChainedResult(List.of(0), t)),
                                C,
                                null)))
                    .validate())
        .hasMessageContaining("record 0 has a chain with layer 0");
    assertThatThrownBy(
            () ->
                new CacheConfig(
                        null,
                        List.of(
                            new CacheConfig.Record(
                                null, null, C, List.of(List.of(new CacheConfig.Input(null, 3))))))
                    .validate())
        .hasMessageContaining("record 0 input 0 links to record 3");
    assertThatThrownBy(
            () ->
                new CacheConfig(
                        null, List.of(new CacheConfig.Record(null, null, C, List.of(List.of()))))
                    .validate())
        .hasMessageContaining("record 0 has empty input 0");
  }

  @Test
  void validate_loops_areRejected() {
    assertThatThrownBy(
            () ->
                new CacheConfig(
                        List.of(
                            CacheConfig.Layer.of(A, -1),
                            CacheConfig.Layer.of(B, 2),
                            CacheConfig.Layer.of(C, 1)),
                        null)
                    .validate())
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("loop");
    assertThatThrownBy(
            () ->
                new CacheConfig(
                        null,
                        List.of(
                            new CacheConfig.Record(
                                null, null, A, List.of(List.of(new CacheConfig.Input(null, 1)))),
                            new CacheConfig.Record(
                                null, null, B, List.of(List.of(new CacheConfig.Input(null, 0))))))
                    .validate())
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("loop");
  }

  @Test
  void validate_deepChain_passesWithoutRecursion() throws Exception {
    int n = 50_000;
    List<CacheConfig.Layer> layers = new java.util.ArrayList<>();
    List<CacheConfig.Record> records = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      layers.add(CacheConfig.Layer.of(A, i - 1));
      records.add(
          new CacheConfig.Record(
              null, null, A, i == 0 ? null : List.of(List.of(new CacheConfig.Input(null, i - 1)))));
    }
    assertThat(new CacheConfig(layers, records).validate().records()).hasSize(n);
  }
}
