package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {

  private static final String HEX =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        // input, registry, repository, tag, digest-hex, canonical, familiar
        "busybox, docker.io, library/busybox, latest, -, docker.io/library/busybox:latest,"
            + " busybox:latest",
        "busybox:1.36, docker.io, library/busybox, 1.36, -, docker.io/library/busybox:1.36,"
            + " busybox:1.36",
        "user/img, docker.io, user/img, latest, -, docker.io/user/img:latest, user/img:latest",
        "docker.io/busybox, docker.io, library/busybox, latest, -,"
            + " docker.io/library/busybox:latest, busybox:latest",
        "index.docker.io/library/busybox:x, docker.io, library/busybox, x, -,"
            + " docker.io/library/busybox:x, busybox:x",
        "docker.io/library/a/b:t, docker.io, library/a/b, t, -, docker.io/library/a/b:t,"
            + " library/a/b:t",
        "host:5000/a/b:tag, host:5000, a/b, tag, -, host:5000/a/b:tag, host:5000/a/b:tag",
        "localhost/x, localhost, x, latest, -, localhost/x:latest, localhost/x:latest",
        "localhost:5000/x/y, localhost:5000, x/y, latest, -, localhost:5000/x/y:latest,"
            + " localhost:5000/x/y:latest",
        "localhost:5000, docker.io, library/localhost, 5000, -, docker.io/library/localhost:5000,"
            + " localhost:5000",
        "ghcr.io/org/app, ghcr.io, org/app, latest, -, ghcr.io/org/app:latest,"
            + " ghcr.io/org/app:latest",
        "127.0.0.1:5050/app:inline-oci, 127.0.0.1:5050, app, inline-oci, -,"
            + " 127.0.0.1:5050/app:inline-oci, 127.0.0.1:5050/app:inline-oci",
        "[::1]:5000/x, [::1]:5000, x, latest, -, [::1]:5000/x:latest, [::1]:5000/x:latest",
        "[fe80::1]/a/b:c, [fe80::1], a/b, c, -, [fe80::1]/a/b:c, [fe80::1]/a/b:c",
        "My.Registry.example/app, My.Registry.example, app, latest, -,"
            + " My.Registry.example/app:latest, My.Registry.example/app:latest",
        "a/b-c__d.e_f---g:T_a.g-1, docker.io, a/b-c__d.e_f---g, T_a.g-1, -,"
            + " docker.io/a/b-c__d.e_f---g:T_a.g-1, a/b-c__d.e_f---g:T_a.g-1",
        "img@sha256:"
            + HEX
            + ", docker.io, library/img, -, "
            + HEX
            + ", docker.io/library/img@sha256:"
            + HEX
            + ", img@sha256:"
            + HEX,
        "img:tag@sha256:"
            + HEX
            + ", docker.io, library/img, tag, "
            + HEX
            + ", docker.io/library/img:tag@sha256:"
            + HEX
            + ", img:tag@sha256:"
            + HEX,
        "h.io:1/a@sha256:"
            + HEX
            + ", h.io:1, a, -, "
            + HEX
            + ", h.io:1/a@sha256:"
            + HEX
            + ", h.io:1/a@sha256:"
            + HEX,
      })
  void parse_validInput_normalises(
      String input,
      String registry,
      String repository,
      String tag,
      String digestHex,
      String canonical,
      String familiar) {
    Reference ref = Reference.parse(input);

    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.tag()).isEqualTo(tag);
    assertThat(ref.digest())
        .isEqualTo(digestHex == null ? null : new Digest(Digest.SHA256, digestHex));
    assertThat(ref).hasToString(canonical);
    assertThat(ref.familiar()).isEqualTo(familiar);
    assertThat(Reference.parse(ref.toString())).isEqualTo(ref);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "Busybox",
        "user/Img",
        "host:5000/A/b",
        ":tag",
        "img:",
        "img@",
        "img@sha256:abc",
        "img@md5:0123456789abcdef0123456789abcdef",
        "img:-bad",
        "img:.bad",
        "img:has/slash",
        "a//b",
        "/a",
        "a/",
        "a-/b",
        "_a",
        "a..b",
        "host:port/x",
        "[::1]:5000",
        "a b",
        "img:tag:tag",
        HEX,
      })
  void parse_invalidInput_throwsNamingInput(String input) {
    assertThatThrownBy(() -> Reference.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + input + "'");
  }

  @Test
  void parse_tooLongTag_rejected() {
    String ok = "a".repeat(128);
    assertThat(Reference.parse("img:" + ok).tag()).isEqualTo(ok);
    assertThatThrownBy(() -> Reference.parse("img:" + ok + "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid tag");
  }

  @Test
  void parse_nameLongerThan255_rejected() {
    String longRepo = "a/".repeat(130) + "b";
    assertThatThrownBy(() -> Reference.parse("h.io/" + longRepo))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 255");
  }

  @Test
  void parse_uppercaseRepository_messageSaysLowercase() {
    assertThatThrownBy(() -> Reference.parse("user/Img")).hasMessageContaining("must be lowercase");
  }

  @Test
  void parse_nullOrEmpty_rejected() {
    assertThatThrownBy(() -> Reference.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reference.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_neitherTagNorDigest_rejected() {
    assertThatThrownBy(() -> new Reference("h.io", "a", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a tag or a digest");
  }

  @Test
  void registryApiHost_dockerHub_isRegistry1() {
    assertThat(Reference.parse("busybox").registryApiHost()).isEqualTo("registry-1.docker.io");
    assertThat(Reference.parse("localhost:5000/x").registryApiHost()).isEqualTo("localhost:5000");
  }

  @Test
  void withTag_dropsDigest_andWithDigestKeepsTag() {
    Digest d = new Digest(Digest.SHA256, HEX);
    Reference pinned = Reference.parse("h.io/a:1").withDigest(d);

    assertThat(pinned).hasToString("h.io/a:1@sha256:" + HEX);
    assertThat(pinned.identifier()).isEqualTo("sha256:" + HEX);
    Reference retagged = pinned.withTag("2");
    assertThat(retagged).hasToString("h.io/a:2");
    assertThat(retagged.identifier()).isEqualTo("2");
    assertThatThrownBy(() -> pinned.withTag("-x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void name_isRegistryAndRepository() {
    assertThat(Reference.parse("busybox:1").name()).isEqualTo("docker.io/library/busybox");
    assertThat(Reference.parse("h:1/a/b").withRepository("k.io", "c").toString())
        .isEqualTo("k.io/c:latest");
  }
}
