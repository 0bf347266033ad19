package dev.kiln.core.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class InlineCacheCodecTest {

  private static final List<CacheConfig.Record> RECORDS =
      List.of(
          new CacheConfig.Record(
              List.of(new CacheConfig.Result(1, CacheConfig.GO_ZERO_TIME)),
              List.of(),
              Digests.sha256("a"),
              List.of(List.of(new CacheConfig.Input(null, 1)))),
          new CacheConfig.Record(List.of(), List.of(), Digests.sha256("b"), List.of()));

  @Test
  void encode_isBase64OfTheRecordsArray_andDecodesBack() throws Exception {
    String value = InlineCacheCodec.encode(RECORDS);

    assertThat(value).startsWith("W3si");
    assertThat(Base64.getDecoder().decode(value))
        .isEqualTo(CacheConfigCodec.encodeRecords(RECORDS));
    assertThat(InlineCacheCodec.decode(value)).isEqualTo(RECORDS);
  }

  @Test
  void truncatedValue_isAFormatErrorSayingSo() {
    String value = InlineCacheCodec.encode(RECORDS);
    String truncated = value.substring(0, value.length() - 3);

    assertThatThrownBy(() -> InlineCacheCodec.decode(truncated))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageStartingWith("moby.buildkit.cache.v0 ")
        .hasMessageContaining("truncated");
  }

  @Test
  void base64OfSomethingElse_namesWhatItDecodedTo() {
    String json = Base64.getEncoder().encodeToString("{\"x\":1}".getBytes(StandardCharsets.UTF_8));
    String garbage = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});

    assertThatThrownBy(() -> InlineCacheCodec.decode(json))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("not a JSON array of cache records")
        .hasMessageContaining("starts with '{\"x\":1}'");
    assertThatThrownBy(() -> InlineCacheCodec.decode(garbage))
        .isInstanceOf(CacheFormatException.class)
        .hasMessageContaining("4 bytes that are not a JSON array");
    assertThatThrownBy(() -> InlineCacheCodec.decode(""))
        .isInstanceOf(CacheFormatException.class)
        .hasMessage("moby.buildkit.cache.v0 is empty");
  }
}
