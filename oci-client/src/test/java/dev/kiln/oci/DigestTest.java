package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {

  // sha256("abc") and sha512("abc") from FIPS 180-2.
  private static final String ABC256 =
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String ABC512 =
      "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

  @Test
  void parse_validSha256_roundTrips() {
    Digest d = Digest.parse(ABC256);

    assertThat(d.algorithm()).isEqualTo("sha256");
    assertThat(d).hasToString(ABC256);
    assertThat(d.shortForm()).isEqualTo("sha256:ba7816bf8f01");
    assertThat(d.jdkAlgorithm()).isEqualTo("SHA-256");
    assertThat(Digest.isValid(ABC256)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "sha256",
        ":abc",
        "sha256:",
        "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adx",
        "sha256:za7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "md5:900150983cd24fb0d6963f7d28e17f72",
        "SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
      })
  void parse_invalid_rejected(String s) {
    assertThatThrownBy(() -> Digest.parse(s)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Digest.isValid(s)).isFalse();
  }

  @Test
  void sha256_bytesAndString_knownVector() {
    assertThat(Digests.sha256("abc")).hasToString(ABC256);
    assertThat(Digests.sha256("abc".getBytes(StandardCharsets.UTF_8))).hasToString(ABC256);
  }

  @Test
  void countingInputStream_sha512_hashesAndCounts() throws Exception {
    try (Digests.CountingDigestInputStream in =
        new Digests.CountingDigestInputStream(
            new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)), Digest.SHA512)) {
      assertThat(in.read()).isEqualTo('a');
      in.transferTo(OutputStream.nullOutputStream());
      assertThat(in.count()).isEqualTo(3);
      assertThat(in.digest()).hasToString(ABC512);
    }
  }

  @Test
  void countingInputStream_skip_stillHashesSkippedBytes() throws Exception {
    try (Digests.CountingDigestInputStream in =
        new Digests.CountingDigestInputStream(
            new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)), Digest.SHA256)) {
      assertThat(in.skip(2)).isEqualTo(2);
      in.transferTo(OutputStream.nullOutputStream());
      assertThat(in.digest()).hasToString(ABC256);
    }
  }

  @Test
  void countingOutputStream_passesThroughAndHashes() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (Digests.CountingDigestOutputStream out =
        new Digests.CountingDigestOutputStream(sink, Digest.SHA256)) {
      out.write('a');
      out.write("bc".getBytes(StandardCharsets.UTF_8));
      assertThat(out.count()).isEqualTo(3);
      assertThat(out.digest()).hasToString(ABC256);
    }
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("abc");
  }

  @Test
  void sha256_file_digestAndSize(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, "abc");

    Digests.Sized sized = Digests.sha256(f);

    assertThat(sized.digest()).hasToString(ABC256);
    assertThat(sized.size()).isEqualTo(3);
  }

  @Test
  void json_digest_isPlainString() throws Exception {
    Digest d = Digest.parse(ABC256);

    assertThat(OciJson.toJson(d)).isEqualTo("\"" + ABC256 + "\"");
    assertThat(OciJson.parse(("\"" + ABC256 + "\"").getBytes(StandardCharsets.UTF_8), Digest.class))
        .isEqualTo(d);
    assertThatThrownBy(
            () -> OciJson.parse("\"sha256:x\"".getBytes(StandardCharsets.UTF_8), Digest.class))
        .isInstanceOf(OciFormatException.class)
        .hasMessageContaining("sha256");
  }

  @Test
  void compareTo_ordersByString() {
    Digest a = Digests.sha256("a");
    Digest b = Digests.sha256("b");
    assertThat(a.compareTo(b)).isEqualTo(a.toString().compareTo(b.toString()));
    assertThat(a.compareTo(Digests.sha256("a"))).isZero();
  }

  @Test
  void emptyInput_knownDigest() throws Exception {
    try (InputStream in =
        new Digests.CountingDigestInputStream(InputStream.nullInputStream(), Digest.SHA256)) {
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(Digests.sha256(new byte[0]))
        .hasToString("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}
