package dev.kiln.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageKeysTest {

  private static final Digest A = Digests.sha256("a");
  private static final Digest B = Digests.sha256("b");
  private static final Digest C = Digests.sha256("c");

  @Test
  void chainId_threeLayers_handComputed() {
    // c1 = sha256("<A> <B>"), c2 = sha256("<c1> <C>") computed with sha256sum
    assertThat(ImageKeys.chainId(List.of(A, B, C)).toString())
        .isEqualTo("sha256:2fce7f8ce91bcf0a1428b36e1024639fdbd9469eea762dba98aa749631885106");
    assertThat(ImageKeys.chainId(List.of(A))).isEqualTo(A);
  }

  @Test
  void configKey_handComputed() {
    // printf '%s' 'buildkit.source.v0:sha256:2fce…5106' | sha256sum
    assertThat(ImageKeys.configKey(List.of(A, B, C), Digests.sha256("cfg")).toString())
        .isEqualTo("sha256:abd4d3d9db82167f3602289f88ff49fbba3d533c2498a343e1876c558de74707");
  }

  @Test
  void configKey_noDiffIds_usesConfigDigest() {
    Digest cfg = Digests.sha256("cfg");

    assertThat(ImageKeys.configKey(List.of(), cfg))
        .isEqualTo(Digests.sha256("buildkit.source.v0:" + cfg));
  }

  @Test
  void manifestKey_goJsonWithVariant_handComputed() {
    // K0 = sha256('{"Digest":"<A>","OS":"linux","Arch":"arm64","Variant":"v8"}');
    // D0 = sha256("buildkit.source.v0:" + K0)
    assertThat(ImageKeys.manifestKey(A, Platform.of("linux", "arm64", "v8")).toString())
        .isEqualTo("sha256:0b0beec721c4252c477924a09588bcdd7259971ae9958b082a52d37e5315b252");
  }

  @Test
  void manifestKey_platformChanged_differs() {
    assertThat(ImageKeys.manifestKey(A, Platform.of("linux", "amd64")))
        .isNotEqualTo(ImageKeys.manifestKey(A, Platform.of("linux", "arm64")));
  }
}
